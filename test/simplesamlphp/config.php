<?php
/*
 * SimpleSAMLphp 1.19 configuration for ramgate's test IdP (test/support/simplesamlphp.ts).
 * Copied into a per-run temp dir next to harness.json, which carries everything that changes
 * per run (port, directories, secret salt). Never use /etc/simplesamlphp: it disables the IdP
 * and sets secure cookies, which loop over plain http.
 */
$harness = json_decode(file_get_contents(__DIR__ . '/harness.json'), true, 512, JSON_THROW_ON_ERROR);
$run = $harness['runDir'];

$config = [
    'baseurlpath' => $harness['baseUrl'] . '/',
    'certdir' => $run . '/cert/',
    'loggingdir' => $run . '/log/',
    'datadir' => $run . '/data/',
    'tempdir' => $run . '/tmp/',
    'metadatadir' => $run . '/metadata/',
    'attributenamemapdir' => '/etc/simplesamlphp/attributemap/',

    'secretsalt' => $harness['secretSalt'],
    'auth.adminpassword' => $harness['adminPassword'],
    'admin.protectindexpage' => true,
    'admin.protectmetadata' => false,
    'admin.checkforupdates' => false,
    'technicalcontact_name' => 'ramgate tests',
    'technicalcontact_email' => 'na@example.org',
    'timezone' => 'UTC',

    'enable.saml20-idp' => true,
    'enable.shib13-idp' => false,
    'enable.adfs-idp' => false,
    'enable.http_post' => false,
    'module.enable' => [
        'exampleauth' => true,
        'core' => true,
        'saml' => true,
    ],

    'debug' => ['saml' => false, 'backtraces' => true, 'validatexml' => false],
    'showerrors' => true,
    'errorreporting' => false,
    'logging.level' => SimpleSAML\Logger::INFO,
    'logging.handler' => 'file',
    'logging.logfile' => 'simplesamlphp.log',
    'logging.processname' => 'simplesamlphp',
    'statistics.out' => [],

    'session.duration' => 60 * 60,
    'session.datastore.timeout' => 60 * 60,
    'session.state.timeout' => 15 * 60,
    'session.cookie.name' => 'SimpleSAMLSessionID',
    'session.cookie.lifetime' => 0,
    'session.cookie.path' => '/',
    'session.cookie.domain' => null,
    'session.cookie.secure' => false,
    'session.cookie.samesite' => null,
    'session.phpsession.cookiename' => 'SimpleSAML',
    'session.phpsession.savepath' => $run . '/sessions',
    'session.phpsession.httponly' => true,
    'session.authtoken.cookiename' => 'SimpleSAMLAuthToken',
    'session.rememberme.enable' => false,
    'language.cookie.secure' => false,
    'language.default' => 'en',
    'language.available' => ['en'],

    'store.type' => 'phpsession',
    'metadata.sources' => [['type' => 'flatfile']],
    'metadata.sign.enable' => false,

    'theme.use' => 'default',
    'template.auto_reload' => false,
    'production' => true,
    'authproc.idp' => [],
    'authproc.sp' => [],
];
