import { describe, expect, it } from 'vitest';
import { listed } from './listed';

describe('listed', () => {
  it('joins names as a sentence says them', () => {
    expect(listed([])).toBe('');
    expect(listed(['fabrikam.com'])).toBe('fabrikam.com');
    expect(listed(['fabrikam.com', 'tailspin.com'])).toBe('fabrikam.com and tailspin.com');
    expect(listed(['a', 'b', 'c'])).toBe('a, b and c');
  });
});
