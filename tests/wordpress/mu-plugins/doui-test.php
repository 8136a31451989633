<?php
/**
 * Test-only helpers for the plugin's end-to-end tests; never shipped.
 * - Posting several comments in a row is allowed (no flood check).
 * - oEmbed answers offline: a YouTube URL embeds a page of the local "third party".
 * - /?doui_test=consent answers what WP Consent API's wp_has_consent() says in PHP.
 * - With the option doui_test_other_default, another plugin's Consent Mode default is printed.
 *
 * @package doui
 */

add_filter( 'comment_flood_filter', '__return_false' );

add_filter(
	'pre_oembed_result',
	static function ( $result, $url ) {
		if ( str_contains( (string) $url, 'youtube.com/watch' ) ) {
			return '<iframe title="YouTube video" width="560" height="315" src="' . esc_url( DOUI_TEST_THIRD_PARTY . '/embed/doui-test' ) . '" allowfullscreen></iframe>';
		}
		return $result;
	},
	10,
	2
);

add_action(
	'template_redirect',
	static function () {
		// phpcs:ignore WordPress.Security.NonceVerification.Recommended
		if ( ! isset( $_GET['doui_test'] ) || 'consent' !== $_GET['doui_test'] ) {
			return;
		}
		$out = array( 'api' => function_exists( 'wp_has_consent' ) );
		if ( $out['api'] ) {
			foreach ( array( 'functional', 'preferences', 'statistics', 'statistics-anonymous', 'marketing' ) as $category ) {
				$out[ $category ] = wp_has_consent( $category );
			}
			$out['type'] = wp_get_consent_type();
		}
		wp_send_json( $out );
	}
);

add_action(
	'wp_head',
	static function () {
		if ( get_option( 'doui_test_other_default' ) ) {
			echo "<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}gtag('consent','default',{analytics_storage:'granted'});</script>\n";
		}
	},
	5
);
