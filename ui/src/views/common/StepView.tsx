// The frame of one of the four steps: "Step N of 4", its title and explanation, what is still
// being built, and Back/Next. Each step's own controls grow in as `children`.
import type { ReactElement, ReactNode } from 'react';
import { stepById, STEPS, type SectionId, type StepId } from '../../frame/sections';
import { BeingBuiltNotice } from './BeingBuiltNotice';
import { StepFooter } from './StepFooter';
import { ViewPage } from './ViewPage';

export interface StepViewProps {
  step: StepId;
  summary: ReactNode;
  /** What this step will do once wired; shown in the "being built" notice. Omit when wired. */
  notBuiltYet?: ReactNode;
  onNavigate: (section: SectionId) => void;
  children?: ReactNode;
}

export function StepView({ step, summary, notBuiltYet, onNavigate, children }: StepViewProps): ReactElement {
  const { number, label } = stepById(step);
  return (
    <ViewPage id={step} eyebrow={`Step ${number} of ${STEPS.length}`} title={label} summary={summary}>
      {notBuiltYet && <BeingBuiltNotice>{notBuiltYet}</BeingBuiltNotice>}
      {children}
      <StepFooter step={step} onNavigate={onNavigate} />
    </ViewPage>
  );
}
