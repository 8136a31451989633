<?php
/**
 * Removes doui's options when the plugin is deleted.
 *
 * @package doui
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

delete_option( 'doui_config' );
delete_option( 'doui_settings' );
delete_option( 'doui_snippet' );
