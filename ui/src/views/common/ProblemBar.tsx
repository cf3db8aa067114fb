// Every failure the same way: what was being done, the cause in plain words, the fix, and a
// button that copies the technical details (status, codes, request ids) for a ticket.
import {
  Caption1,
  makeStyles,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  tokens,
} from '@fluentui/react-components';
import type { ReactElement, ReactNode } from 'react';
import type { Problem } from '../../ipc';
import { CopyButton } from './CopyButton';

const useStyles = makeStyles({
  line: { display: 'block', marginTop: tokens.spacingVerticalXXS },
  detail: { display: 'block', marginTop: tokens.spacingVerticalXS, color: tokens.colorNeutralForeground3 },
});

export interface ProblemBarProps {
  problem: Problem;
  /** Extra actions beside "Copy details", e.g. a Retry button. */
  actions?: ReactNode;
  testId?: string;
}

export function problemDetails(problem: Problem): string {
  return JSON.stringify(problem, null, 2);
}

function detailLine(problem: Problem): string | undefined {
  const d = problem.detail ?? {};
  const parts = [
    d.status !== undefined ? `HTTP ${d.status}` : undefined,
    d.graphCode,
    d.scimType ? `scimType ${d.scimType}` : undefined,
    d.providerCode,
    d.requestId ? `request-id ${d.requestId}` : undefined,
  ].filter(Boolean);
  return parts.length ? parts.join(' · ') : undefined;
}

export function ProblemBar({ problem, actions, testId = 'problem' }: ProblemBarProps): ReactElement {
  const styles = useStyles();
  const cancelled = problem.kind === 'cancelled';
  const detail = detailLine(problem);
  return (
    <MessageBar intent={cancelled ? 'warning' : 'error'} layout="multiline" data-testid={testId} data-kind={problem.kind}>
      <MessageBarBody>
        <MessageBarTitle>{problem.action}</MessageBarTitle>
        <span className={styles.line} data-testid={`${testId}-cause`}>{problem.cause}</span>
        <span className={styles.line} data-testid={`${testId}-fix`}>
          <strong>Fix:</strong> {problem.fix}
        </span>
        {detail && <Caption1 className={styles.detail}>{detail}</Caption1>}
      </MessageBarBody>
      <MessageBarActions>
        {actions}
        <CopyButton text={problemDetails(problem)} label="Copy the details of this problem" size="small">
          Copy details
        </CopyButton>
      </MessageBarActions>
    </MessageBar>
  );
}
