// Runs axe-core over the rendered document and keeps what a person would be blocked by:
// violations of serious or critical impact.
import axe from 'axe-core';

export async function seriousAxeViolations(): Promise<string[]> {
  const results = await axe.run(document, {
    // jsdom does no layout, so contrast cannot be measured here (axe reports it as incomplete).
    rules: { 'color-contrast': { enabled: false } },
  });
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}
