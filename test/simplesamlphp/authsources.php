<?php
/*
 * One exampleauth:UserPass source, "users", whose accounts come from harness.json (written by
 * test/support/simplesamlphp.ts). Attribute values are arrays, so multi-valued attributes such as
 * https://www.aliyun.com/SAML-Role/Attributes/Role reach the assertion as several AttributeValues.
 */
$harness = json_decode(file_get_contents(__DIR__ . '/harness.json'), true, 512, JSON_THROW_ON_ERROR);

$users = ['exampleauth:UserPass'];
foreach ($harness['users'] as $user) {
    $users[$user['username'] . ':' . $user['password']] = $user['attributes'];
}

$config = [
    'admin' => ['core:AdminPassword'],
    'users' => $users,
];
