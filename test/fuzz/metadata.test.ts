import { METADATA_PROPERTIES } from './metadata-properties.js';
import { describeFuzz } from './suite.js';

describeFuzz('fuzz: IdP metadata', METADATA_PROPERTIES);
