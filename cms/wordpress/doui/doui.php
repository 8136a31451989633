<?php
/**
 * Plugin Name:       doui
 * Description:       Cookie consent banner and privacy policy tables from one config. Asks before WordPress sets comment cookies or loads avatars, emoji and embeds from other sites.
 * Version:           0.1.0
 * Requires at least: 6.1
 * Requires PHP:      8.1
 * License:           MIT OR Apache-2.0
 * Text Domain:       doui
 * Domain Path:       /languages
 *
 * @package doui
 */

defined( 'ABSPATH' ) || exit;

define( 'DOUI_FILE', __FILE__ );
define( 'DOUI_VERSION', '0.1.0' );

require_once __DIR__ . '/includes/class-doui-consent.php';
require_once __DIR__ . '/includes/class-doui-config.php';
require_once __DIR__ . '/includes/class-doui-plugin.php';
require_once __DIR__ . '/includes/class-doui-admin.php';

register_activation_hook( __FILE__, array( 'Doui_Plugin', 'activate' ) );
Doui_Plugin::init();
Doui_Admin::init();
