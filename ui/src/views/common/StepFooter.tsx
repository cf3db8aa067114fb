// Back and Next buttons under a step, so the four steps read as one path.
import { Button, makeStyles, tokens } from '@fluentui/react-components';
import { ArrowLeftRegular, ArrowRightRegular } from '@fluentui/react-icons';
import type { ReactElement } from 'react';
import { nextStep, previousStep, type SectionId, type StepId } from '../../frame/sections';

const useStyles = makeStyles({
  footer: {
    display: 'flex',
    justifyContent: 'space-between',
    columnGap: tokens.spacingHorizontalM,
    paddingTop: tokens.spacingVerticalM,
    borderTop: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
});

export interface StepFooterProps {
  step: StepId;
  onNavigate: (section: SectionId) => void;
}

export function StepFooter({ step, onNavigate }: StepFooterProps): ReactElement {
  const styles = useStyles();
  const previous = previousStep(step);
  const next = nextStep(step);
  return (
    <div className={styles.footer}>
      <Button
        appearance="subtle"
        icon={<ArrowLeftRegular />}
        onClick={() => onNavigate(previous ? previous.id : 'start')}
      >
        {previous ? `Back: ${previous.label}` : 'Back: Start'}
      </Button>
      {next && (
        <Button
          appearance="secondary"
          icon={<ArrowRightRegular />}
          iconPosition="after"
          onClick={() => onNavigate(next.id)}
        >
          Next: {next.label}
        </Button>
      )}
    </div>
  );
}
