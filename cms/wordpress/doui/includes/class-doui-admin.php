<?php
/**
 * Settings → doui: the config with validation as you type (doui's own wasm, so
 * errors name the line and the field as the command line does), a banner
 * preview in Japanese and English, Consent Mode, and the WP Consent API mapping.
 * Saving goes through the settings API: the nonce and `manage_options` are
 * checked by WordPress, and an invalid config is refused and never stored.
 *
 * @package doui
 */

defined( 'ABSPATH' ) || exit;

/**
 * Admin hooks.
 */
final class Doui_Admin {
	/** The settings page slug and settings group. */
	const PAGE = 'doui';

	/**
	 * Registers the hooks.
	 */
	public static function init(): void {
		add_action( 'admin_init', array( __CLASS__, 'register' ) );
		add_action( 'admin_menu', array( __CLASS__, 'menu' ) );
		add_action( 'admin_enqueue_scripts', array( __CLASS__, 'enqueue' ) );
		add_action( 'admin_post_doui_preview', array( __CLASS__, 'preview' ) );
		add_action( 'admin_notices', array( __CLASS__, 'missing_bundle_notice' ) );
		add_filter( 'script_loader_tag', array( __CLASS__, 'module_tag' ), 10, 2 );
	}

	/**
	 * The two options and their checks.
	 */
	public static function register(): void {
		register_setting(
			self::PAGE,
			Doui_Config::OPTION,
			array(
				'type'              => 'string',
				'sanitize_callback' => array( __CLASS__, 'sanitize_config' ),
				'show_in_rest'      => false,
			)
		);
		register_setting(
			self::PAGE,
			Doui_Plugin::SETTINGS,
			array(
				'type'              => 'array',
				'sanitize_callback' => array( __CLASS__, 'sanitize_settings' ),
				'show_in_rest'      => false,
			)
		);
	}

	/**
	 * Refuses an invalid config: the stored one stays, and the page says why.
	 * From the settings form, the config must also carry the token the page's
	 * script adds once doui's own check found it valid.
	 *
	 * @param mixed $value The submitted config text.
	 */
	public static function sanitize_config( $value ) {
		$old  = (string) get_option( Doui_Config::OPTION, '' );
		$text = is_string( $value ) ? str_replace( "\r\n", "\n", $value ) : '';
		// phpcs:ignore WordPress.Security.NonceVerification.Missing -- options.php verified the nonce before sanitizing.
		$from_form = isset( $_POST['option_page'] ) && self::PAGE === $_POST['option_page'];
		$problem   = Doui_Config::problem( $text );
		if ( '' === $problem && $from_form ) {
			// phpcs:ignore WordPress.Security.NonceVerification.Missing
			$token = isset( $_POST['doui_checked'] ) ? sanitize_text_field( wp_unslash( $_POST['doui_checked'] ) ) : '';
			if ( ! hash_equals( Doui_Config::checked_token( $text ), $token ) ) {
				$problem = __( 'The config was not checked by doui in this page (JavaScript is needed to save it).', 'doui' );
			}
		}
		if ( '' !== $problem ) {
			add_settings_error( Doui_Config::OPTION, 'doui_invalid', __( 'The config was not saved:', 'doui' ) . ' ' . $problem );
			if ( $from_form ) {
				set_transient( 'doui_rejected_' . get_current_user_id(), $text, 10 * MINUTE_IN_SECONDS );
			}
			return $old;
		}
		if ( $from_form ) {
			// The banner's markup for the first paint, built by the page's script
			// with doui's own code for this config (`doui snippet`).
			// phpcs:disable WordPress.Security.NonceVerification.Missing -- options.php verified the nonce before sanitizing.
			$html = isset( $_POST['doui_snippet'] ) ? (string) wp_unslash( $_POST['doui_snippet'] ) : ''; // phpcs:ignore WordPress.Security.ValidatedSanitizedInput.InputNotSanitized -- markup, filtered by wp_kses when stored.
			$lang = isset( $_POST['doui_snippet_lang'] ) ? sanitize_key( wp_unslash( $_POST['doui_snippet_lang'] ) ) : '';
			// phpcs:enable
			Doui_Plugin::store_snippet( $text, $html, $lang );
		}
		Doui_Plugin::forget_config();
		return $text;
	}

	/**
	 * Consent Mode settings and the WP Consent API mapping.
	 *
	 * @param mixed $value Submitted settings.
	 */
	public static function sanitize_settings( $value ): array {
		$value    = is_array( $value ) ? $value : array();
		$defaults = Doui_Plugin::default_settings();
		$mode     = (string) ( $value['cm_mode'] ?? '' );
		$owner    = (string) ( $value['cm_owner'] ?? '' );
		$lines    = array();
		foreach ( preg_split( '/\R/', (string) ( $value['wca'] ?? $defaults['wca'] ) ) as $line ) {
			if ( preg_match( '/^\s*([a-z-]+)\s*:\s*([a-z0-9_,\s-]*)$/D', $line, $m ) ) {
				$lines[] = $m[1] . ': ' . trim( $m[2] );
			}
		}
		return array(
			'cm_mode'  => in_array( $mode, array( 'basic', 'advanced' ), true ) ? $mode : $defaults['cm_mode'],
			'cm_owner' => in_array( $owner, array( 'doui', 'other' ), true ) ? $owner : $defaults['cm_owner'],
			'wca'      => implode( "\n", $lines ),
		);
	}

	/**
	 * Settings → doui.
	 */
	public static function menu(): void {
		add_options_page( __( 'doui cookie consent', 'doui' ), 'doui', 'manage_options', self::PAGE, array( __CLASS__, 'render' ) );
	}

	/**
	 * The page's script (a module: it imports doui's policy module to check
	 * configs) and stylesheet.
	 *
	 * @param string $hook The admin page.
	 */
	public static function enqueue( $hook ): void {
		if ( 'settings_page_' . self::PAGE !== $hook ) {
			return;
		}
		wp_enqueue_style( 'doui-admin', plugins_url( 'assets/doui-admin.css', DOUI_FILE ), array(), DOUI_VERSION );
		if ( Doui_Plugin::has_bundle() ) {
			wp_enqueue_script( 'doui-admin', plugins_url( 'assets/doui-admin.js', DOUI_FILE ), array(), DOUI_VERSION, true );
		}
	}

	/**
	 * Loads the settings page's script as a module.
	 *
	 * @param string $tag    The script tag.
	 * @param string $handle The script handle.
	 */
	public static function module_tag( $tag, $handle ) {
		if ( 'doui-admin' !== $handle ) {
			return $tag;
		}
		return (string) preg_replace( '/<script\b(?![^>]*\btype=)/', '<script type="module"', str_replace( " type='text/javascript'", '', (string) $tag ), 1 );
	}

	/**
	 * Says that the built bundle is missing (a plugin copied from the source tree).
	 */
	public static function missing_bundle_notice(): void {
		if ( current_user_can( 'manage_options' ) && ! Doui_Plugin::has_bundle() ) {
			echo '<div class="notice notice-error"><p>' . esc_html__( 'doui: the built bundle (dist/) is missing from the plugin folder, so no banner is shown. Install the plugin from doui-wordpress.zip.', 'doui' ) . '</p></div>';
		}
	}

	/**
	 * The settings page.
	 */
	public static function render(): void {
		if ( ! current_user_can( 'manage_options' ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to change the cookie consent settings.', 'doui' ), 403 );
		}
		$rejected = get_transient( 'doui_rejected_' . get_current_user_id() );
		if ( false !== $rejected ) {
			delete_transient( 'doui_rejected_' . get_current_user_id() );
		}
		$text     = is_string( $rejected ) ? $rejected : (string) get_option( Doui_Config::OPTION, '' );
		$settings = Doui_Plugin::settings();
		$dist     = Doui_Plugin::has_bundle() ? Doui_Plugin::dist_url( '' ) : '';
		?>
		<div class="wrap doui-admin">
			<h1><?php esc_html_e( 'doui cookie consent', 'doui' ); ?></h1>
			<?php settings_errors( Doui_Config::OPTION ); ?>
			<?php if ( false !== $rejected ) : ?>
				<p class="doui-admin-rejected"><?php esc_html_e( 'Below is the config you tried to save. The site still uses the last valid one.', 'doui' ); ?></p>
			<?php endif; ?>
			<form method="post" action="<?php echo esc_url( admin_url( 'options.php' ) ); ?>" id="doui-form" data-doui-dist="<?php echo esc_url( $dist ); ?>" data-doui-home="<?php echo esc_url( home_url( '/' ) ); ?>" data-doui-lang="<?php echo esc_attr( strtolower( (string) strtok( (string) get_bloginfo( 'language' ), '-_' ) ) ); ?>" data-doui-preview-url="<?php echo esc_url( admin_url( 'admin-post.php' ) ); ?>" data-doui-preview-nonce="<?php echo esc_attr( wp_create_nonce( 'doui_preview' ) ); ?>" data-doui-valid="<?php esc_attr_e( 'The config is valid.', 'doui' ); ?>" data-doui-other="<?php /* translators: %d: how many */ esc_attr_e( 'The front page has %d other Consent Mode default (gtag consent default) besides the one from doui. Two defaults can contradict each other: choose below who sets them.', 'doui' ); ?>">
				<?php settings_fields( self::PAGE ); ?>
				<input type="hidden" name="doui_checked" id="doui-checked" value="">
				<input type="hidden" name="doui_snippet" id="doui-snippet" value="">
				<input type="hidden" name="doui_snippet_lang" id="doui-snippet-lang" value="">
				<h2><label for="doui-config"><?php esc_html_e( 'Config', 'doui' ); ?></label></h2>
				<p id="doui-config-help"><?php esc_html_e( 'Categories, services, their cookies and what they send where, as JSON. The banner, the gating and the policy tables all come from it. It is checked as you type; an invalid config is not saved.', 'doui' ); ?></p>
				<textarea name="<?php echo esc_attr( Doui_Config::OPTION ); ?>" id="doui-config" class="large-text code" rows="24" spellcheck="false" aria-describedby="doui-config-help doui-config-status"><?php echo esc_textarea( $text ); ?></textarea>
				<p id="doui-config-status" class="doui-admin-status" role="status"></p>

				<h2><?php esc_html_e( 'Preview', 'doui' ); ?></h2>
				<p>
					<button type="button" class="button" data-doui-preview="ja"><?php esc_html_e( 'Preview in Japanese', 'doui' ); ?></button>
					<button type="button" class="button" data-doui-preview="en"><?php esc_html_e( 'Preview in English', 'doui' ); ?></button>
				</p>
				<iframe name="doui-preview" class="doui-admin-preview" title="<?php esc_attr_e( 'Banner preview', 'doui' ); ?>" src="about:blank"></iframe>

				<h2><?php esc_html_e( 'Google Consent Mode', 'doui' ); ?></h2>
				<table class="form-table" role="presentation">
					<tr>
						<th scope="row"><label for="doui-cm-mode"><?php esc_html_e( 'Mode', 'doui' ); ?></label></th>
						<td>
							<select name="doui_settings[cm_mode]" id="doui-cm-mode" aria-describedby="doui-cm-mode-help">
								<option value="basic" <?php selected( $settings['cm_mode'], 'basic' ); ?>><?php esc_html_e( 'Basic: Google tags load only after consent', 'doui' ); ?></option>
								<option value="advanced" <?php selected( $settings['cm_mode'], 'advanced' ); ?>><?php esc_html_e( 'Advanced: Google tags load at once with everything denied', 'doui' ); ?></option>
							</select>
							<p class="description" id="doui-cm-mode-help"><?php esc_html_e( 'Overrides consentMode.mode in the config.', 'doui' ); ?></p>
						</td>
					</tr>
					<tr>
						<th scope="row"><?php esc_html_e( 'Consent Mode defaults', 'doui' ); ?></th>
						<td>
							<fieldset>
								<legend class="screen-reader-text"><?php esc_html_e( 'Consent Mode defaults', 'doui' ); ?></legend>
								<p id="doui-cm-owner-found" class="doui-admin-status" role="status"></p>
								<label><input type="radio" name="doui_settings[cm_owner]" value="doui" <?php checked( $settings['cm_owner'], 'doui' ); ?>> <?php esc_html_e( 'doui sets the defaults (everything denied until a choice)', 'doui' ); ?></label><br>
								<label><input type="radio" name="doui_settings[cm_owner]" value="other" <?php checked( $settings['cm_owner'], 'other' ); ?>> <?php esc_html_e( 'Another plugin sets the defaults; doui only sends updates', 'doui' ); ?></label>
							</fieldset>
						</td>
					</tr>
				</table>

				<h2><label for="doui-wca"><?php esc_html_e( 'WP Consent API categories', 'doui' ); ?></label></h2>
				<p id="doui-wca-help"><?php esc_html_e( 'One line per WP Consent API category: the doui categories or services that must all be allowed for it.', 'doui' ); ?></p>
				<textarea name="doui_settings[wca]" id="doui-wca" class="large-text code" rows="5" spellcheck="false" aria-describedby="doui-wca-help"><?php echo esc_textarea( (string) $settings['wca'] ); ?></textarea>
				<?php submit_button(); ?>
			</form>
		</div>
		<?php
	}

	/**
	 * The banner with the submitted config, alone in a page, for the preview frame.
	 * Its choices are kept in a cookie of its own, so that the preview always
	 * shows the banner and never changes the site's choice.
	 */
	public static function preview(): void {
		if ( ! current_user_can( 'manage_options' ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to change the cookie consent settings.', 'doui' ), 403 );
		}
		check_admin_referer( 'doui_preview' );
		$lang = isset( $_POST['lang'] ) && 'en' === $_POST['lang'] ? 'en' : 'ja';
		$text = isset( $_POST[ Doui_Config::OPTION ] ) ? str_replace( "\r\n", "\n", (string) wp_unslash( $_POST[ Doui_Config::OPTION ] ) ) : ''; // phpcs:ignore WordPress.Security.ValidatedSanitizedInput.InputNotSanitized -- JSON, re-encoded below.
		$config = json_decode( $text );
		$problem = Doui_Config::problem( $text );
		header( 'Content-Type: text/html; charset=utf-8' );
		echo '<!doctype html><html lang="' . esc_attr( $lang ) . '"><head><meta charset="utf-8"><title>' . esc_html__( 'Banner preview', 'doui' ) . '</title>';
		if ( '' === $problem && $config instanceof stdClass && Doui_Plugin::has_bundle() ) {
			$config->cookie       = (object) array(
				'name' => 'doui_preview',
				'days' => 1,
			);
			$config->reopenButton = false;
			unset( $config->lang );
			// A preview must not delete the administrator's own cookies when a
			// category is refused in it: it declares no cookies.
			foreach ( (array) ( $config->categories ?? array() ) as $category ) {
				foreach ( (array) ( $category->services ?? array() ) as $service ) {
					unset( $service->cookies );
				}
			}
			printf( '<link rel="stylesheet" href="%s">', esc_url( Doui_Plugin::dist_url( 'doui.css' ) ) );
			echo '<script type="application/json" id="doui-config">' . wp_json_encode( $config, JSON_HEX_TAG | JSON_HEX_AMP | JSON_HEX_APOS | JSON_HEX_QUOT | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES ) . '</script>'; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped
			printf( '<script type="module" src="%s"></script>', esc_url( Doui_Plugin::dist_url( 'doui.js' ) ) );
			printf( '<script type="module" src="%s"></script>', esc_url( plugins_url( 'assets/doui-preview.js', DOUI_FILE ) ) );
			echo '</head><body><main><p>' . esc_html( 'ja' === $lang ? 'プレビュー' : 'Preview' ) . '</p></main></body></html>';
		} else {
			echo '</head><body><main><p role="alert">' . esc_html( '' !== $problem ? $problem : __( 'The built bundle is missing.', 'doui' ) ) . '</p></main></body></html>';
		}
		exit;
	}
}
