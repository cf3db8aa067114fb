// Each step in the navigation says where it stands, in words and at a glance.
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { render, screen } from '@testing-library/react';
import { Nav } from './Nav';
import { NO_PROGRESS } from './sections';

describe('Nav', () => {
  it('shows each step’s status', () => {
    render(
      <FluentProvider theme={webLightTheme}>
        <Nav
          selected="entra"
          stepStatus={{ ...NO_PROGRESS, unity: 'done', connector: 'failed', entra: 'inProgress' }}
          onSelect={() => {}}
        />
      </FluentProvider>,
    );
    expect(screen.getByTestId('nav-unity')).toHaveAccessibleName('Step 1: Unity service account, done');
    expect(screen.getByTestId('nav-unity')).toHaveTextContent('Done');
    // Done replaces the number with a tick.
    expect(screen.getByTestId('nav-unity')).not.toHaveTextContent('1');
    expect(screen.getByTestId('nav-connector')).toHaveAccessibleName(
      'Step 2: SCIM connector URL, needs attention',
    );
    expect(screen.getByTestId('nav-entra')).toHaveAccessibleName('Step 3: Entra provisioning, in progress');
    expect(screen.getByTestId('nav-entra')).toHaveAttribute('aria-selected', 'true');
    expect(screen.getByTestId('nav-provision')).toHaveAccessibleName('Step 4: Provision on demand, not started');
  });
});
