// A device-code sign-in waiting for the person: the code large, a copy button, and where to
// enter it.
import { Body1, makeStyles, tokens } from '@fluentui/react-components';
import type { ReactElement } from 'react';
import type { DeviceCodePrompt } from '../../ipc';
import { CopyButton } from '../common/CopyButton';

const useStyles = makeStyles({
  box: {
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalS,
    padding: tokens.spacingHorizontalL,
    borderRadius: tokens.borderRadiusLarge,
    backgroundColor: tokens.colorBrandBackground2,
  },
  row: { display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalL },
  code: {
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeHero800,
    lineHeight: tokens.lineHeightHero800,
    fontWeight: tokens.fontWeightSemibold,
    letterSpacing: '0.12em',
    userSelect: 'all',
  },
});

export function DeviceCode({ prompt }: { prompt: DeviceCodePrompt }): ReactElement {
  const styles = useStyles();
  return (
    <div className={styles.box} data-testid="device-code-box">
      <Body1>
        On any device, open <strong>{prompt.verificationUri}</strong> and enter this code
        (it expires in {Math.round(prompt.expiresInSecs / 60)} minutes):
      </Body1>
      <div className={styles.row}>
        <span className={styles.code} data-testid="device-code" aria-label={`Code ${prompt.userCode.split('').join(' ')}`}>
          {prompt.userCode}
        </span>
        <CopyButton text={prompt.userCode} label="Copy the code" testId="device-code-copy">
          Copy code
        </CopyButton>
      </div>
    </div>
  );
}
