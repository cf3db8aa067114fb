// The app chooser: a failed search speaks of the text it searched and goes when the text
// changes; when nothing matches, creating an app of that name is offered right there.
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState, type ReactElement } from 'react';
import { entraSearchApps } from '../../ipc';
import { problem } from '../../test/renderView';
import { AppPicker } from './AppPicker';

vi.mock('../../ipc', async (original) => (await import('../../test/ipcMock')).mockedIpc(await original()));

function Picker({ initial }: { initial: string }): ReactElement {
  const [search, setSearch] = useState(initial);
  return (
    <FluentProvider theme={webLightTheme}>
      <AppPicker
        search={search}
        onSearch={setSearch}
        onSelect={() => undefined}
        createAction={(text) => <button data-testid="create">Create “{text}”</button>}
      />
      <button data-testid="type-other" onClick={() => setSearch('Unity')}>
        other
      </button>
    </FluentProvider>
  );
}

describe('AppPicker', () => {
  it('offers to create the searched name when nothing matches', async () => {
    vi.mocked(entraSearchApps).mockResolvedValue([]);
    render(<Picker initial="Zebra Payroll" />);
    expect(await screen.findByTestId('entra-app-none')).toHaveTextContent('No enterprise app matches “Zebra Payroll”.');
    expect(screen.getByTestId('create')).toHaveTextContent('Create “Zebra Payroll”');
  });

  it('drops a failed search’s error as soon as the search says something else', async () => {
    const user = userEvent.setup();
    vi.mocked(entraSearchApps)
      .mockRejectedValueOnce(problem('throttled', 'Graph asked to slow down.', 'Wait a moment and type again.', 'Searching enterprise apps'))
      // The next search has not answered yet: the old error must not wait for it.
      .mockReturnValue(new Promise(() => undefined));
    render(<Picker initial="Zebra" />);
    expect(await screen.findByTestId('app-search-problem-cause')).toHaveTextContent('Graph asked to slow down.');
    await user.click(screen.getByTestId('type-other'));
    expect(screen.queryByTestId('app-search-problem')).not.toBeInTheDocument();
  });
});
