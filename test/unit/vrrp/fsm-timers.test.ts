// Skew and master-down interval exactly as keepalived 2.2.7 computes them (integer µs).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { masterDownMs, skewMs } from '../../../src/vrrp/fsm/index.js';

describe('VRRP timers', () => {
  it('v2 skew = (256-p)/256 s, truncated to µs, independent of advert_int', () => {
    assert.equal(skewMs(2, 100, 1000), 609.375);
    assert.equal(skewMs(2, 100, 5000), 609.375);
    assert.equal(skewMs(2, 255, 1000), 3.906);
    assert.equal(skewMs(2, 1, 1000), 996.093);
  });
  it('v3 skew = (256-p) × interval / 256, via keepalived\'s ×625/16 in µs', () => {
    assert.equal(skewMs(3, 100, 1000), 609.375);
    assert.equal(skewMs(3, 100, 100), 60.937);
    assert.equal(skewMs(3, 200, 10), 2.187);
  });
  it('master down = 3 × interval + skew (down_timer_adverts configurable)', () => {
    assert.equal(masterDownMs(2, 100, 1000), 3609.375);
    assert.equal(masterDownMs(3, 100, 100), 360.937);
    assert.equal(masterDownMs(3, 100, 100, 5), 560.937);
  });
});
