import { POLICY_PROPERTIES } from './policy-properties.js';
import { describeFuzz } from './suite.js';

describeFuzz('fuzz: RAM policy compiler', POLICY_PROPERTIES);
