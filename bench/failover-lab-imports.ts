// The test lab helpers the failover bench reuses (one import point, so the bench files stay short).
export { NetnsLab, isRoot, waitFor } from '../test/integration/lib/netns.js';
export { nsHasAddress } from '../test/integration/lib/keepalived-peer.js';
