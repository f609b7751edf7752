<?php
/*
 * The hosted IdP. Its entityID is the metadata URL (http://127.0.0.1:<port>/saml2/idp/metadata.php);
 * its key and certificate are generated per run by test/support/simplesamlphp.ts.
 */
$metadata['__DYNAMIC:1__'] = [
    'host' => '__DEFAULT__',
    'privatekey' => 'idp.key',
    'certificate' => 'idp.crt',
    'auth' => 'users',
    'signature.algorithm' => 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    'NameIDFormat' => 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
];
