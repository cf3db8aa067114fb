// One HTTP call a check made, shown as a person reads a request and its response: the method
// and URL, the status with its timing and request id, the headers that matter, the body.
import { Caption1, makeStyles, tokens } from '@fluentui/react-components';
import type { ReactElement } from 'react';
import type { Evidence, Fact } from '../../ipc';

const useStyles = makeStyles({
  block: {
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalXXS,
    padding: tokens.spacingHorizontalS,
    backgroundColor: tokens.colorNeutralBackground3,
    borderRadius: tokens.borderRadiusMedium,
    fontSize: tokens.fontSizeBase200,
  },
  mono: { fontFamily: tokens.fontFamilyMonospace, overflowWrap: 'anywhere' },
  pre: {
    margin: 0,
    fontFamily: tokens.fontFamilyMonospace,
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-all',
    maxHeight: '200px',
    overflowY: 'auto',
  },
  facts: { display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: tokens.spacingHorizontalM, margin: 0 },
  term: { color: tokens.colorNeutralForeground3 },
  value: { margin: 0, overflowWrap: 'anywhere' },
  list: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalS },
});

/** "HTTP 401 · 120 ms · application/json · request-id abc", leaving out what is unknown. */
export function responseLine(evidence: Evidence): string {
  const parts = [
    evidence.status !== null ? `HTTP ${evidence.status}` : evidence.error ? 'No response' : undefined,
    `${evidence.elapsedMs} ms`,
    evidence.contentType ?? undefined,
    evidence.requestId ? `request-id ${evidence.requestId}` : undefined,
  ].filter(Boolean);
  return parts.join(' · ');
}

/** A body as sent: pretty-printed when it is JSON, as is otherwise. */
function readableBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

export function EvidenceView({ evidence }: { evidence: Evidence }): ReactElement {
  const styles = useStyles();
  const headers: [string, string | null][] = [
    ['Location', evidence.location],
    ['WWW-Authenticate', evidence.wwwAuthenticate],
    ['Retry-After', evidence.retryAfter],
  ];
  return (
    <div className={styles.block} data-testid="evidence">
      <span className={styles.mono}>
        <strong>Request</strong> {evidence.request}
      </span>
      <span>
        <strong>Response</strong> {responseLine(evidence)}
      </span>
      {headers
        .filter(([, value]) => value)
        .map(([name, value]) => (
          <span key={name} className={styles.mono}>
            {name}: {value}
          </span>
        ))}
      {evidence.error && <span>{evidence.error}</span>}
      {evidence.bodyExcerpt && <pre className={styles.pre}>{readableBody(evidence.bodyExcerpt)}</pre>}
    </div>
  );
}

/** What a check learnt, then each call it made. */
export function EvidenceList({ facts, evidence }: { facts: Fact[]; evidence: Evidence[] }): ReactElement {
  const styles = useStyles();
  return (
    <div className={styles.list}>
      {facts.length > 0 && (
        <dl className={styles.facts}>
          {facts.map((fact) => (
            <div key={fact.label} style={{ display: 'contents' }}>
              <dt className={styles.term}>
                <Caption1>{fact.label}</Caption1>
              </dt>
              <dd className={styles.value}>
                <Caption1>{fact.value}</Caption1>
              </dd>
            </div>
          ))}
        </dl>
      )}
      {evidence.map((item, index) => (
        <EvidenceView key={index} evidence={item} />
      ))}
    </div>
  );
}
