// The frame of one of the four steps: "Step N of 4", its title and explanation, and Back/Next.
// Each step's own controls grow in as `children`.
import type { ReactElement, ReactNode } from 'react';
import { stepById, STEPS, type SectionId, type StepId } from '../../frame/sections';
import { StepFooter } from './StepFooter';
import { ViewPage } from './ViewPage';

export interface StepViewProps {
  step: StepId;
  summary: ReactNode;
  onNavigate: (section: SectionId) => void;
  children?: ReactNode;
}

export function StepView({ step, summary, onNavigate, children }: StepViewProps): ReactElement {
  const { number, label } = stepById(step);
  return (
    <ViewPage id={step} eyebrow={`Step ${number} of ${STEPS.length}`} title={label} summary={summary}>
      {children}
      <StepFooter step={step} onNavigate={onNavigate} />
    </ViewPage>
  );
}
