<?php
/**
 * Installs the test site: Japanese, twentytwentythree, a post with a comment
 * (an avatar) and an embed, a privacy policy page with [doui_policy], a
 * subscriber, and the plugin activated. Run through cli.php (WordPress loaded).
 *
 * @package doui
 */

require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';

wp_install( 'doui 自動車学校', 'admin', 'admin@example.jp', true, '', 'admin-password', 'ja' );
update_option( 'WPLANG', 'ja' );
switch_theme( 'twentytwentythree' );
wp_create_user( 'subscriber', 'subscriber-password', 'subscriber@example.jp' );

$post = wp_insert_post(
	array(
		'post_title'     => '教習の予約について',
		'post_content'   => "<!-- wp:paragraph -->\n<p>予約の方法です。</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:embed {\"url\":\"https://www.youtube.com/watch?v=doui-test\",\"type\":\"video\",\"providerNameSlug\":\"youtube\"} -->\n<figure class=\"wp-block-embed is-type-video is-provider-youtube wp-block-embed-youtube\"><div class=\"wp-block-embed__wrapper\">\nhttps://www.youtube.com/watch?v=doui-test\n</div></figure>\n<!-- /wp:embed -->",
		'post_status'    => 'publish',
		'comment_status' => 'open',
		'post_author'    => 1,
	)
);
wp_insert_comment(
	array(
		'comment_post_ID'      => $post,
		'comment_author'       => '山田 花子',
		'comment_author_email' => 'hanako@example.jp',
		'comment_content'      => '分かりやすい説明をありがとうございます。',
		'comment_approved'     => 1,
	)
);
$policy = wp_insert_post(
	array(
		'post_title'   => 'プライバシーポリシー',
		'post_type'    => 'page',
		'post_status'  => 'publish',
		'post_content' => "<!-- wp:shortcode -->\n[doui_policy]\n<!-- /wp:shortcode -->",
	)
);
update_option( 'wp_page_for_privacy_policy', $policy );
$inline = wp_insert_post(
	array(
		'post_title'   => 'Cookie について',
		'post_type'    => 'page',
		'post_status'  => 'publish',
		'post_content' => "<!-- wp:html -->\n[doui_settings text=\"Cookie設定を開く\"]\n[doui_policy]\n# 当サイトの Cookie\n\n\"引用符\" -- そのまま\n\n```doui-cookies\ncategory: preferences\n```\n[/doui_policy]\n<!-- /wp:html -->\n\n<!-- wp:doui/settings-link {\"text\":\"ブロックの設定ボタン\"} /-->",
	)
);
update_option( 'doui_test_ids', array( 'post' => $post, 'policy' => $policy, 'inline' => $inline ) );

$result = activate_plugin( 'doui/doui.php' );
if ( is_wp_error( $result ) ) {
	fwrite( STDERR, $result->get_error_message() );
	exit( 1 );
}
