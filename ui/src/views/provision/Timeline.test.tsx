// The timeline's fifth step, ours: the person read back from Unity after Entra's export.
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { render, screen } from '@testing-library/react';
import type { ProvisionOnDemandOutcome, Verification } from '../../ipc';
import { Timeline } from './Timeline';

function outcome(verification?: Verification): ProvisionOnDemandOutcome {
  return {
    subject: { objectId: 'u-0', kind: 'user', label: 'adele@contoso.com', members: [] },
    verdict: 'success',
    action: 'Create',
    changeId: 'c-1',
    steps: [
      { name: 'EntryImport', stepType: 'Import', status: 'Success', description: 'Read the user from Entra ID', details: {} },
      { name: 'EntryExportAdd', stepType: 'Export', status: 'Success', description: 'Created in Unity', details: {} },
    ],
    cause: 'adele@contoso.com was provisioned into the target (Create).',
    verification,
  };
}

function show(verification?: Verification) {
  render(
    <FluentProvider theme={webLightTheme}>
      <Timeline outcome={outcome(verification)} index={0} />
    </FluentProvider>,
  );
}

describe('Timeline: Arrived in Unity', () => {
  it('passes when Unity holds the account as Entra wrote it', () => {
    show({ found: true, differences: [], unityId: 'scim-1', checkedAt: '2026-11-30T09:20:00Z' });
    const arrival = screen.getByTestId('timeline-arrival');
    expect(arrival).toHaveTextContent('Arrived in Unity: passed');
    expect(arrival).toHaveAttribute('data-tone', 'good');
    expect(screen.queryByTestId('timeline-differences')).not.toBeInTheDocument();
  });

  it('fails with the attributes that differ, or when the account is missing', () => {
    show({
      found: true,
      differences: [{ attribute: 'displayName', exported: 'Adele Vance', inUnity: 'Adele V' }],
      checkedAt: '2026-11-30T09:20:00Z',
    });
    expect(screen.getByTestId('timeline-arrival')).toHaveAttribute('data-tone', 'bad');
    expect(screen.getByTestId('timeline-differences')).toHaveTextContent('displayName: Entra wrote Adele Vance, Unity holds Adele V');
  });

  it('says not checked when Unity could not be read', () => {
    show({ found: false, differences: [], notChecked: 'No SCIM token is stored on this computer.', checkedAt: '' });
    expect(screen.getByTestId('timeline-arrival')).toHaveTextContent('Arrived in Unity: not checked');
  });
});
