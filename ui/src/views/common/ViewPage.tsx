// The common shape of every view: an eyebrow ("Step 2 of 4"), a heading, a short explanation of
// what the view does for the admin, then the view's own content. The heading is focusable
// from script so that moving between views from a button lands a keyboard user on it.
import { Body1, Caption1Strong, makeStyles, Title3, tokens } from '@fluentui/react-components';
import { useId, type ReactElement, type ReactNode } from 'react';
import type { SectionId } from '../../frame/sections';

const useStyles = makeStyles({
  page: {
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalL,
    maxWidth: '780px',
  },
  intro: {
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalXS,
  },
  eyebrow: {
    color: tokens.colorBrandForeground1,
    textTransform: 'uppercase',
    letterSpacing: '0.04em',
  },
  heading: {
    margin: 0,
    ':focus-visible': {
      outline: `${tokens.strokeWidthThick} solid ${tokens.colorStrokeFocus2}`,
      outlineOffset: '2px',
      borderRadius: tokens.borderRadiusSmall,
    },
    ':focus:not(:focus-visible)': {
      outline: 'none',
    },
  },
  summary: {
    margin: 0,
    color: tokens.colorNeutralForeground2,
  },
});

export interface ViewPageProps {
  id: SectionId;
  eyebrow?: string;
  title: string;
  summary: ReactNode;
  children?: ReactNode;
}

export function ViewPage({ id, eyebrow, title, summary, children }: ViewPageProps): ReactElement {
  const styles = useStyles();
  const headingId = useId();
  return (
    <section className={styles.page} data-testid={`view-${id}`} aria-labelledby={headingId}>
      <div className={styles.intro}>
        {eyebrow && <Caption1Strong className={styles.eyebrow}>{eyebrow}</Caption1Strong>}
        <Title3 as="h1" id={headingId} className={styles.heading} tabIndex={-1} data-view-heading>
          {title}
        </Title3>
        <Body1 as="p" className={styles.summary}>
          {summary}
        </Body1>
      </div>
      {children}
    </section>
  );
}
