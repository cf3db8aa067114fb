// A titled block inside a view: one task of a step ("Sign in", "Test the connection").
import { Card, makeStyles, Subtitle2, tokens, Body1 } from '@fluentui/react-components';
import { useId, type ReactElement, type ReactNode } from 'react';

const useStyles = makeStyles({
  card: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalM, padding: tokens.spacingHorizontalL },
  heading: { margin: 0 },
  intro: { margin: 0, color: tokens.colorNeutralForeground2 },
});

export interface PanelProps {
  title: string;
  intro?: ReactNode;
  testId?: string;
  children: ReactNode;
}

export function Panel({ title, intro, testId, children }: PanelProps): ReactElement {
  const styles = useStyles();
  const id = useId();
  return (
    <Card className={styles.card} appearance="outline" data-testid={testId} role="region" aria-labelledby={id}>
      <Subtitle2 as="h2" id={id} className={styles.heading}>
        {title}
      </Subtitle2>
      {intro && (
        <Body1 as="p" className={styles.intro}>
          {intro}
        </Body1>
      )}
      {children}
    </Card>
  );
}
