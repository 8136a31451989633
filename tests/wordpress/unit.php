<?php
/**
 * Plain PHP tests of the plugin's config code that needs no WordPress:
 * lifetimes from WordPress's spans, the server's own config check, the token
 * the settings page sends, and the default config built from WordPress's
 * values. Run: php tests/wordpress/unit.php
 *
 * @package doui
 */

define( 'DOUI_TESTING', true );
require __DIR__ . '/../../cms/wordpress/doui/includes/class-doui-consent.php';
require __DIR__ . '/../../cms/wordpress/doui/includes/class-doui-config.php';

$failed = 0;
$total  = 0;
/**
 * Records one check.
 *
 * @param string $what     What is checked.
 * @param mixed  $expected Expected value.
 * @param mixed  $actual   Actual value.
 */
function check( string $what, $expected, $actual ): void {
	global $failed, $total;
	++$total;
	if ( $expected !== $actual ) {
		++$failed;
		fwrite( STDERR, sprintf( "FAIL %s: expected %s, got %s\n", $what, var_export( $expected, true ), var_export( $actual, true ) ) );
	}
}

// Lifetimes: whole units where WordPress uses them, else days with the exact span.
check( 'comment cookies in 6.1', '347d', Doui_Config::lifetime( 30000000 )[0] );
check( 'the exact span is noted', '正確には30,000,000秒（約1年）', Doui_Config::lifetime( 30000000 )[1]['ja'] ?? null );
check( 'comment cookies since 6.6', array( '1y', null ), Doui_Config::lifetime( 31536000 ) );
check( 'password-protected posts', array( '10d', null ), Doui_Config::lifetime( 864000 ) );
check( 'remember me', array( '2w', null ), Doui_Config::lifetime( 1209600 ) );
check( 'an hour', array( '1h', null ), Doui_Config::lifetime( 3600 ) );
check( 'until the browser closes', array( 'session', null ), Doui_Config::lifetime( 0 ) );
check( 'login span in words', array( '2日', '2 days' ), Doui_Config::span_words( 172800 ) );

// The server's own check names the field.
$ok = '{"revision":1,"categories":[{"id":"necessary","required":true,"title":"N","description":"d","services":[{"id":"login","name":"L","provider":"P","purpose":"p"}]}]}';
check( 'a valid config', '', Doui_Config::problem( $ok ) );
check( 'not JSON', 'config: not valid JSON: Syntax error', Doui_Config::problem( '{"revision":1,' ) );
check( 'an array', 'config: expected an object', Doui_Config::problem( '[1]' ) );
check( 'a revision as text', 'config: revision: expected a whole number from 1', Doui_Config::problem( str_replace( '"revision":1', '"revision":"1"', $ok ) ) );
check( 'no categories', 'config: categories: expected a non-empty array', Doui_Config::problem( '{"revision":1,"categories":[]}' ) );
check( 'a bad id', 'config: categories[0].services[0].id: expected an id (a-z, 0-9, -, _, starting with a letter)', Doui_Config::problem( str_replace( '"login"', '"Login"', $ok ) ) );
check( 'a duplicate id', 'config: categories[0].services[0].id: "necessary" is used twice', Doui_Config::problem( str_replace( '"login"', '"necessary"', $ok ) ) );
check( 'consent days', 'config: cookie.days: consent lifetime must be 1 to 395 days', Doui_Config::problem( str_replace( '"revision":1,', '"revision":1,"cookie":{"days":400},', $ok ) ) );
check( 'cookie name', 'config: cookie.name: expected a cookie name', Doui_Config::problem( str_replace( '"revision":1,', '"revision":1,"cookie":{"name":"a b"},', $ok ) ) );

// The settings page's token: FNV-1a, line ends normalised.
check( 'token of nothing', '811c9dc5', Doui_Config::checked_token( '' ) );
check( 'token of "a"', 'e40c292c', Doui_Config::checked_token( 'a' ) );
check( 'CRLF and LF alike', Doui_Config::checked_token( "a\nb" ), Doui_Config::checked_token( "a\r\nb" ) );

// The default config from WordPress 6.1's values.
$config = Doui_Config::build_default(
	array(
		'name'             => 'doui 自動車学校',
		'policy_url'       => '',
		'comment_lifetime' => 30000000,
		'login'            => 172800,
		'remember'         => 1209600,
		'postpass'         => 864000,
	)
);
$json = json_encode( $config, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES );
check( 'the default passes the server check', '', Doui_Config::problem( $json ) );
$ids = array();
$cookies = array();
foreach ( $config['categories'] as $c ) {
	$ids[] = $c['id'];
	foreach ( $c['services'] ?? array() as $s ) {
		$ids[] = $s['id'];
		foreach ( $s['cookies'] ?? array() as $cookie ) {
			$cookies[ $cookie['name'] ] = array( $c['id'], $cookie['lifetime'] );
		}
	}
}
check( 'categories and services', array( 'necessary', 'consent', 'login', 'post-password', 'preferences', 'comments', 'screen-options', 'analytics', 'advertising', 'embeds', 'gravatar', 'wp-emoji', 'youtube' ), $ids );
check( 'comment cookies are preferences for 347 days', array( 'preferences', '347d' ), $cookies['comment_author_email_*'] ?? null );
check( 'login cookies last the session', array( 'necessary', 'session' ), $cookies['wordpress_logged_in_*'] ?? null );
check( 'the http admin cookie is declared', array( 'necessary', 'session' ), $cookies['wordpress_*'] ?? null );
check( 'password-protected posts', array( 'necessary', '10d' ), $cookies['wp-postpass_*'] ?? null );
check( 'the post-edit cookie', array( 'necessary', '1d' ), $cookies['wp-saving-post'] ?? null );
check( 'screen options', array( 'preferences', '1y' ), $cookies['wp-settings-time-*'] ?? null );
check( 'the login note says both spans', true, str_contains( $config['categories'][0]['services'][1]['cookies'][0]['note']['ja'], '2日' ) && str_contains( $config['categories'][0]['services'][1]['cookies'][0]['note']['ja'], '14日' ) );
$third = array();
foreach ( $config['categories'][4]['services'] as $s ) {
	$third[ $s['id'] ] = count( $s['transmissions'] ?? array() );
}
check( 'every third party has its 外部送信 row', array( 'gravatar' => 1, 'wp-emoji' => 1, 'youtube' => 1 ), $third );
check( 'analytics and advertising start empty', array( false, false ), array( isset( $config['categories'][2]['services'] ), isset( $config['categories'][3]['services'] ) ) );
check( 'without a policy page, no policyUrl', false, isset( $config['policyUrl'] ) );

printf( "plugin unit tests: %d of %d passed\n", $total - $failed, $total );
exit( $failed ? 1 : 0 );
