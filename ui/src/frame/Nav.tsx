// The left navigation: Start, the four steps in order with their status, then Diagnose and
// Settings. A vertical Fluent TabList: arrow keys move focus, Enter or Space opens the section,
// a click opens it too. Selection is manual so that arrowing past a step never starts its work.
import {
  Caption1,
  Divider,
  makeStyles,
  mergeClasses,
  Tab,
  TabList,
  tokens,
  type SelectTabData,
} from '@fluentui/react-components';
import { CheckmarkFilled, HomeRegular, SettingsRegular, StethoscopeRegular } from '@fluentui/react-icons';
import type { ReactElement } from 'react';
import {
  navTabId,
  STEP_STATUS_LABEL,
  STEPS,
  VIEW_PANEL_ID,
  type SectionId,
  type StepId,
  type StepStatus,
} from './sections';

const useStyles = makeStyles({
  nav: {
    flexGrow: 1,
    display: 'flex',
    flexDirection: 'column',
    paddingBlock: tokens.spacingVerticalM,
    paddingInline: tokens.spacingHorizontalS,
    overflowY: 'auto',
    backgroundColor: tokens.colorNeutralBackground2,
    borderRight: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
  tabList: {
    rowGap: tokens.spacingVerticalXXS,
  },
  tab: {
    justifyContent: 'flex-start',
    width: '100%',
  },
  tabText: {
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'flex-start',
    textAlign: 'start',
  },
  status: {
    color: tokens.colorNeutralForeground3,
  },
  statusDone: {
    color: tokens.colorPaletteGreenForeground1,
  },
  statusFailed: {
    color: tokens.colorPaletteRedForeground1,
  },
  divider: {
    paddingBlock: tokens.spacingVerticalS,
    paddingInline: tokens.spacingHorizontalS,
  },
  stepNumber: {
    display: 'inline-flex',
    alignItems: 'center',
    justifyContent: 'center',
    boxSizing: 'border-box',
    width: '24px',
    height: '24px',
    borderRadius: tokens.borderRadiusCircular,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke1}`,
    color: tokens.colorNeutralForeground2,
    fontSize: tokens.fontSizeBase200,
    fontWeight: tokens.fontWeightSemibold,
    lineHeight: 1,
  },
  stepNumberActive: {
    border: `${tokens.strokeWidthThin} solid ${tokens.colorBrandStroke1}`,
    color: tokens.colorBrandForeground1,
  },
  stepNumberFailed: {
    border: `${tokens.strokeWidthThin} solid ${tokens.colorPaletteRedBorder2}`,
    color: tokens.colorPaletteRedForeground1,
  },
  stepNumberDone: {
    border: 'none',
    backgroundColor: tokens.colorPaletteGreenBackground3,
    color: tokens.colorNeutralForegroundOnBrand,
  },
});

export interface NavProps {
  selected: SectionId;
  stepStatus: Record<StepId, StepStatus>;
  onSelect: (section: SectionId) => void;
}

export function Nav({ selected, stepStatus, onSelect }: NavProps): ReactElement {
  const styles = useStyles();

  const handleSelect = (_event: unknown, data: SelectTabData) => {
    onSelect(data.value as SectionId);
  };

  // Shared by every tab: a stable id for the view's aria-labelledby, and the panel it controls.
  const tabProps = (id: SectionId) => ({
    id: navTabId(id),
    value: id,
    'data-testid': `nav-${id}`,
    'aria-controls': VIEW_PANEL_ID,
    className: styles.tab,
  });

  return (
    <nav className={styles.nav} aria-label="Setup steps and tools">
      <TabList
        vertical
        size="large"
        selectedValue={selected}
        onTabSelect={handleSelect}
        className={styles.tabList}
      >
        <Tab {...tabProps('start')} icon={<HomeRegular />}>
          Start
        </Tab>
        {STEPS.map((step) => {
          const status = stepStatus[step.id];
          return (
            <Tab
              key={step.id}
              {...tabProps(step.id)}
              // Spelled out: read from the visible parts it would run "1Unity service account".
              aria-label={`Step ${step.number}: ${step.label}, ${STEP_STATUS_LABEL[status].toLowerCase()}`}
              icon={<StepNumber number={step.number} status={status} active={selected === step.id} />}
            >
              <span className={styles.tabText}>
                <span>{step.label}</span>
                <Caption1
                  className={mergeClasses(
                    styles.status,
                    status === 'done' && styles.statusDone,
                    status === 'failed' && styles.statusFailed,
                  )}
                >
                  {STEP_STATUS_LABEL[status]}
                </Caption1>
              </span>
            </Tab>
          );
        })}
        {/* Decorative: a tablist may own only tabs, so the separator is hidden from assistive tech. */}
        <div className={styles.divider} aria-hidden="true">
          <Divider />
        </div>
        <Tab {...tabProps('diagnose')} icon={<StethoscopeRegular />}>
          Diagnose
        </Tab>
        <Tab {...tabProps('settings')} icon={<SettingsRegular />}>
          Settings
        </Tab>
      </TabList>
    </nav>
  );
}

interface StepNumberProps {
  number: number;
  status: StepStatus;
  active: boolean;
}

/** The step's number in a ring; a green tick once the step is done. */
function StepNumber({ number, status, active }: StepNumberProps): ReactElement {
  const styles = useStyles();
  const done = status === 'done';
  return (
    <span
      className={mergeClasses(
        styles.stepNumber,
        active && styles.stepNumberActive,
        status === 'failed' && styles.stepNumberFailed,
        done && styles.stepNumberDone,
      )}
    >
      {done ? <CheckmarkFilled aria-hidden="true" /> : number}
    </span>
  );
}
