// A finished check list: verdict first, failures next, passes folded away, evidence readable.
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { render, screen, within } from '@testing-library/react';
import type { CheckResult } from '../../ipc';
import { CheckList } from './CheckList';
import type { CheckRow } from './useChecks';

function row(id: string, outcome: 'pass' | 'fail' | 'skipped'): CheckRow {
  const base = {
    id,
    title: `Check ${id}`,
    failure: null,
    cause: outcome === 'fail' ? 'The endpoint answered 401.' : null,
    fix: outcome === 'fail' ? 'Create a new token.' : null,
    evidence:
      outcome === 'fail'
        ? [{ request: 'GET https://scim.example/Users', status: 401, elapsedMs: 12, contentType: 'application/json', bodyExcerpt: '{"detail":"no"}', requestId: 'r-9', retryAfter: null, location: null, error: null, wwwAuthenticate: 'Bearer' }]
        : [],
    facts: [],
    elapsedMs: 3,
  };
  const result = (outcome === 'skipped' ? { ...base, outcome, reason: 'Not needed' } : { ...base, outcome }) as CheckResult;
  return { id, title: base.title, state: 'finished', result };
}

describe('CheckList', () => {
  it('puts the verdict first, then what failed, with the passed and skipped checks folded away', () => {
    render(
      <FluentProvider theme={webLightTheme}>
        <CheckList rows={[row('a', 'pass'), row('b', 'fail'), row('c', 'skipped'), row('d', 'pass')]} label="Checks" verdict={<p>Verdict here</p>} />
      </FluentProvider>,
    );
    const list = screen.getByTestId('checklist');
    expect(list.firstElementChild).toHaveTextContent('Verdict here');
    expect(screen.getByTestId('checklist-quiet')).not.toHaveAttribute('open');
    expect(screen.getByTestId('checklist-quiet')).toHaveTextContent('Show the 2 passed and 1 skipped checks');
    expect(within(screen.getByTestId('checklist-quiet')).queryByTestId('check-b')).not.toBeInTheDocument();
    const evidence = within(screen.getByTestId('check-b')).getByTestId('evidence');
    expect(evidence).toHaveTextContent('Request GET https://scim.example/Users');
    expect(evidence).toHaveTextContent('Response HTTP 401 · 12 ms · application/json · request-id r-9');
    expect(evidence).toHaveTextContent('WWW-Authenticate: Bearer');
    expect(evidence).not.toHaveTextContent('"evidence"');
  });
});
