<?php
/*
 * The SPs registered by the test (test/support/simplesamlphp.ts rewrites sp-remote.json, already in
 * SimpleSAMLphp's metadata shape, whenever a test registers an SP). Read on every request.
 */
$sps = json_decode(file_get_contents(__DIR__ . '/sp-remote.json'), true, 512, JSON_THROW_ON_ERROR);
foreach ($sps as $entityId => $entry) {
    $metadata[$entityId] = $entry;
}
