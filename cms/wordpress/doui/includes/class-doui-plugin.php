<?php
/**
 * doui on the public site: the banner and its config, Consent Mode defaults,
 * gating of what WordPress loads from other sites (avatars, emoji, embeds),
 * server-side consent for comment cookies, shortcodes and blocks, the WP
 * Consent API bridge and the privacy-policy guide text.
 *
 * Every page is the same for every visitor: all per-visitor decisions are made
 * in the browser, so page caches stay safe. Only the comment POST, which no
 * cache serves, reads the consent cookie on the server.
 *
 * @package doui
 */

defined( 'ABSPATH' ) || exit;

/**
 * Front-end hooks.
 */
final class Doui_Plugin {
	/** Option holding the plugin settings. */
	const SETTINGS = 'doui_settings';

	/**
	 * Option holding the banner's markup for the first paint, as doui's own code
	 * built it in the settings page (`doui snippet`), with the config it was
	 * built from (token, revision) and its language.
	 */
	const SNIPPET = 'doui_snippet';

	/**
	 * What the prerendered banner root may contain: exactly what doui's
	 * `ui::snippet` writes. Applied when it is stored and when it is printed.
	 */
	const SNIPPET_HTML = array(
		'div'     => array(
			'class'             => true,
			'lang'              => true,
			'id'                => true,
			'role'              => true,
			'data-doui-snippet' => true,
		),
		'section' => array(
			'class'            => true,
			'role'             => true,
			'aria-labelledby'  => true,
			'aria-describedby' => true,
			'tabindex'         => true,
		),
		'h2'      => array(
			'id'    => true,
			'class' => true,
		),
		'p'       => array(
			'class' => true,
			'role'  => true,
		),
		'br'      => array(),
		'button'  => array(
			'type'             => true,
			'class'            => true,
			'data-doui-action' => true,
			'data-doui-open'   => true,
			'hidden'           => true,
		),
		'a'       => array(
			'href' => true,
		),
	);

	/**
	 * Hosts of oEmbed providers and the service id that covers them.
	 */
	const OEMBED_SERVICES = array(
		'youtube.com'          => 'youtube',
		'youtu.be'             => 'youtube',
		'youtube-nocookie.com' => 'youtube',
		'vimeo.com'            => 'vimeo',
		'twitter.com'          => 'twitter',
		'x.com'                => 'twitter',
		'instagram.com'        => 'instagram',
		'facebook.com'         => 'facebook',
		'spotify.com'          => 'spotify',
		'soundcloud.com'       => 'soundcloud',
		'tiktok.com'           => 'tiktok',
	);

	/**
	 * The config as arrays, null when absent or invalid (then doui stays off).
	 *
	 * @var array|null|false False until read.
	 */
	private static $config = false;

	/**
	 * Registers the hooks.
	 */
	public static function init(): void {
		add_action( 'plugins_loaded', array( __CLASS__, 'load_textdomain' ) );
		// Before anything else in <head>, so before any Google tag another plugin prints.
		add_action( 'wp_head', array( __CLASS__, 'head_consent_default' ), PHP_INT_MIN );
		add_action( 'wp_head', array( __CLASS__, 'head' ), 1 );
		add_action( 'wp_body_open', array( __CLASS__, 'prerendered_banner' ), 1 );
		add_action( 'wp_enqueue_scripts', array( __CLASS__, 'enqueue' ) );
		add_filter( 'wp_inline_script_attributes', array( __CLASS__, 'gate_emoji_script' ), 10, 2 );
		add_filter( 'wp_resource_hints', array( __CLASS__, 'resource_hints' ), 10, 2 );
		add_filter( 'get_avatar', array( __CLASS__, 'gate_avatar' ), 100 );
		add_filter( 'embed_oembed_html', array( __CLASS__, 'gate_embed' ), 100, 2 );
		add_action( 'pre_comment_on_post', array( __CLASS__, 'take_over_comment_cookies' ) );
		add_shortcode( 'doui_settings', array( __CLASS__, 'settings_link' ) );
		add_shortcode( 'doui_policy', array( __CLASS__, 'policy' ) );
		add_filter( 'no_texturize_shortcodes', array( __CLASS__, 'no_texturize' ) );
		add_filter( 'upload_mimes', array( __CLASS__, 'markdown_uploads' ) );
		add_action( 'init', array( __CLASS__, 'register_blocks' ) );
		add_action( 'admin_init', array( __CLASS__, 'privacy_policy_content' ) );
		// WP Consent API: doui is the consent-management plugin, opt-in.
		add_filter( 'wp_consent_api_registered_' . plugin_basename( DOUI_FILE ), '__return_true' );
		add_filter( 'wp_get_consent_type', array( __CLASS__, 'consent_type' ), 20 );
		add_filter( 'wp_has_consent', array( __CLASS__, 'wp_has_consent' ), 20, 2 );
	}

	/**
	 * Loads the Japanese (and any other) translations.
	 */
	public static function load_textdomain(): void {
		load_plugin_textdomain( 'doui', false, dirname( plugin_basename( DOUI_FILE ) ) . '/languages' );
	}

	/**
	 * Stores a default config built from this WordPress, unless one exists.
	 */
	public static function activate(): void {
		if ( false === get_option( Doui_Config::OPTION, false ) ) {
			add_option( Doui_Config::OPTION, self::default_config_json() );
		}
		if ( false === get_option( self::SETTINGS, false ) ) {
			add_option( self::SETTINGS, self::default_settings() );
		}
	}

	/**
	 * The default config for this site, as pretty-printed JSON.
	 */
	public static function default_config_json(): string {
		$year     = defined( 'YEAR_IN_SECONDS' ) ? YEAR_IN_SECONDS : 31536000;
		$comments = version_compare( get_bloginfo( 'version' ), '6.6', '>=' ) ? $year : 30000000;
		$config   = Doui_Config::build_default(
			array(
				'name'             => wp_specialchars_decode( get_bloginfo( 'name' ), ENT_QUOTES ),
				'policy_url'       => (string) get_privacy_policy_url(),
				/** This filter is documented in wp-includes/comment.php */
				'comment_lifetime' => (int) apply_filters( 'comment_cookie_lifetime', $comments ),
				/** This filter is documented in wp-includes/pluggable.php */
				'login'            => (int) apply_filters( 'auth_cookie_expiration', 2 * DAY_IN_SECONDS, 0, false ),
				/** This filter is documented in wp-includes/pluggable.php */
				'remember'         => (int) apply_filters( 'auth_cookie_expiration', 14 * DAY_IN_SECONDS, 0, true ),
				/** This filter is documented in wp-login.php */
				'postpass'         => (int) apply_filters( 'post_password_expires', time() + 10 * DAY_IN_SECONDS ) - time(),
			)
		);
		if ( '' === $config['siteName'] ) {
			unset( $config['siteName'] );
		}
		return (string) wp_json_encode( $config, JSON_PRETTY_PRINT | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES );
	}

	/**
	 * Settings on first activation.
	 */
	public static function default_settings(): array {
		return array(
			'cm_mode'  => 'basic',
			'cm_owner' => 'doui',
			'wca'      => "functional: necessary\npreferences: preferences\nstatistics: analytics\nstatistics-anonymous: analytics\nmarketing: advertising",
		);
	}

	/**
	 * The plugin settings, with defaults for what is missing.
	 */
	public static function settings(): array {
		$stored = get_option( self::SETTINGS, array() );
		return array_merge( self::default_settings(), is_array( $stored ) ? $stored : array() );
	}

	/**
	 * The valid config as arrays, or null.
	 */
	public static function config(): ?array {
		if ( false === self::$config ) {
			$json         = (string) get_option( Doui_Config::OPTION, '' );
			self::$config = '' === Doui_Config::problem( $json ) ? json_decode( $json, true ) : null;
		}
		return self::$config;
	}

	/**
	 * Forgets the cached config (after a save).
	 */
	public static function forget_config(): void {
		self::$config = false;
	}

	/**
	 * A URL inside the plugin's copy of the built bundle.
	 *
	 * @param string $file File name in dist/.
	 */
	public static function dist_url( string $file ): string {
		return plugins_url( 'dist/' . $file, DOUI_FILE );
	}

	/**
	 * Whether the built bundle is present.
	 */
	public static function has_bundle(): bool {
		return is_readable( dirname( DOUI_FILE ) . '/dist/doui.js' );
	}

	/**
	 * Whether doui runs on this public page.
	 */
	private static function active(): bool {
		return ! is_admin() && self::has_bundle() && null !== self::config();
	}

	/**
	 * Whether third-party content on this page is gated: on every public page,
	 * also when doui cannot run (no bundle, no valid config), so that consent
	 * fails closed.
	 */
	private static function gated(): bool {
		return ! is_admin();
	}

	/**
	 * Google Consent Mode defaults, from a file, before any Google tag. Its data
	 * attributes (as `doui snippet --head` prints them) let it decide before
	 * first paint whether the prerendered banner shows.
	 */
	public static function head_consent_default(): void {
		if ( self::active() && 'other' !== self::settings()['cm_owner'] ) {
			$config = self::config();
			printf(
				"<script src=\"%s\" data-doui-cookie=\"%s\" data-doui-revision=\"%d\" data-doui-days=\"%d\"></script>\n",
				esc_url( self::dist_url( 'doui-consent-default.js' ) ),
				esc_attr( Doui_Consent::cookie_name( $config ) ),
				(int) $config['revision'],
				(int) ( $config['cookie']['days'] ?? Doui_Consent::DEFAULT_DAYS )
			);
		}
	}

	/**
	 * The language the banner shows in on the public pages, as doui picks it:
	 * the config's `lang`, else the site's language when doui speaks it. Empty
	 * when the visitor's browser decides (no banner can be prerendered then).
	 *
	 * @param array $config The site config.
	 */
	public static function banner_lang( array $config ): string {
		$lang = $config['lang'] ?? strtolower( (string) strtok( (string) get_bloginfo( 'language' ), '-_' ) );
		return in_array( $lang, array( 'ja', 'en' ), true ) ? $lang : '';
	}

	/**
	 * Stores the banner's markup the settings page generated with doui's own code
	 * for the config being saved, or forgets it when none came with it.
	 *
	 * @param string $text The config being saved.
	 * @param string $html The markup from the settings page.
	 * @param string $lang Its language.
	 */
	public static function store_snippet( string $text, string $html, string $lang ): void {
		$config = json_decode( $text, true );
		if ( '' === $html || ! in_array( $lang, array( 'ja', 'en' ), true ) || ! is_array( $config ) ) {
			delete_option( self::SNIPPET );
			return;
		}
		update_option(
			self::SNIPPET,
			array(
				'token'    => Doui_Config::checked_token( $text ),
				'revision' => (int) $config['revision'],
				'lang'     => $lang,
				'html'     => wp_kses( $html, self::SNIPPET_HTML ),
			)
		);
	}

	/**
	 * The banner in the page's first paint, right after <body>: the stored
	 * markup, when it was built from the config in force and for the language the
	 * page shows. Otherwise nothing, and doui.js builds the banner as usual.
	 */
	public static function prerendered_banner(): void {
		if ( ! self::active() ) {
			return;
		}
		$config = self::config();
		$stored = get_option( self::SNIPPET );
		if ( ! is_array( $stored )
			|| (int) $config['revision'] !== ( $stored['revision'] ?? null )
			|| ! hash_equals( Doui_Config::checked_token( (string) get_option( Doui_Config::OPTION, '' ) ), (string) ( $stored['token'] ?? '' ) )
			|| self::banner_lang( $config ) !== ( $stored['lang'] ?? null ) ) {
			return;
		}
		echo wp_kses( (string) $stored['html'], self::SNIPPET_HTML ) . "\n";
	}

	/**
	 * The config inline, the plugin's settings for its script, and the scripts.
	 */
	public static function head(): void {
		if ( ! self::active() ) {
			return;
		}
		$settings = self::settings();
		$json     = Doui_Config::for_page( (string) get_option( Doui_Config::OPTION, '' ), (string) $settings['cm_mode'] );
		$page     = array(
			'comments' => self::comment_cookie_owner(),
			'wca'      => self::wca_map(),
		);
		printf( "<link rel=\"preload\" href=\"%s\" as=\"fetch\" type=\"application/wasm\" crossorigin>\n", esc_url( self::dist_url( 'doui_bg.wasm' ) ) );
		// JSON escaped with JSON_HEX_TAG and friends: it cannot close the element.
		echo '<script type="application/json" id="doui-config">' . $json . "</script>\n"; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped
		echo '<script type="application/json" id="doui-wp">' . wp_json_encode( $page, JSON_HEX_TAG | JSON_HEX_AMP | JSON_HEX_APOS | JSON_HEX_QUOT ) . "</script>\n"; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped
		printf( "<script type=\"module\" src=\"%s\"></script>\n", esc_url( self::dist_url( 'doui.js' ) . '?ver=' . DOUI_VERSION ) );
		printf( "<script type=\"module\" src=\"%s\"></script>\n", esc_url( plugins_url( 'assets/doui-wp.js', DOUI_FILE ) . '?ver=' . DOUI_VERSION ) );
	}

	/**
	 * The banner's stylesheet and the plugin's own.
	 */
	public static function enqueue(): void {
		if ( self::active() ) {
			wp_enqueue_style( 'doui', self::dist_url( 'doui.css' ), array(), DOUI_VERSION );
			wp_enqueue_style( 'doui-wp', plugins_url( 'assets/doui-wp.css', DOUI_FILE ), array( 'doui' ), DOUI_VERSION );
		}
	}

	/**
	 * Core's emoji loader fetches images from WordPress.org's CDN when the
	 * browser lacks an emoji: it runs only with consent for `wp-emoji`.
	 *
	 * @param array  $attributes Script attributes.
	 * @param string $javascript The inline script.
	 */
	public static function gate_emoji_script( $attributes, $javascript ) {
		if ( self::gated() && is_string( $javascript ) && str_contains( $javascript, '_wpemojiSettings' ) ) {
			$attributes['type']         = 'text/plain';
			$attributes['data-consent'] = 'wp-emoji';
		}
		return $attributes;
	}

	/**
	 * No DNS prefetch of the emoji CDN before consent.
	 *
	 * @param array  $urls          Hints.
	 * @param string $relation_type The relation.
	 */
	public static function resource_hints( $urls, $relation_type ) {
		if ( ! self::gated() || 'dns-prefetch' !== $relation_type ) {
			return $urls;
		}
		return array_values(
			array_filter(
				(array) $urls,
				static function ( $url ) {
					$href = is_array( $url ) ? ( $url['href'] ?? '' ) : (string) $url;
					return ! str_contains( $href, 's.w.org' );
				}
			)
		);
	}

	/**
	 * Avatars show a local placeholder until `gravatar` is allowed.
	 *
	 * @param string $html The avatar's img element.
	 */
	public static function gate_avatar( $html ) {
		if ( ! self::gated() || ! is_string( $html ) || str_contains( $html, 'data-consent' ) ) {
			return $html;
		}
		$placeholder = esc_url( plugins_url( 'assets/avatar.svg', DOUI_FILE ) );
		$html        = preg_replace( '/\ssrcset=(["\'])/', ' data-srcset=$1', $html, 1 );
		return preg_replace( '/\ssrc=(["\'])/', ' src="' . $placeholder . '" data-consent="gravatar" data-src=$1', (string) $html, 1 );
	}

	/**
	 * The service an embed's URL belongs to: a service of the config for its
	 * host, else the `embeds` category. Filterable with `doui_oembed_service`.
	 *
	 * @param string $url The embedded URL.
	 */
	public static function embed_service( string $url ): string {
		$host    = strtolower( (string) wp_parse_url( $url, PHP_URL_HOST ) );
		$service = 'embeds';
		foreach ( self::OEMBED_SERVICES as $suffix => $id ) {
			if ( $host === $suffix || str_ends_with( $host, '.' . $suffix ) ) {
				$service = self::has_id( $id ) ? $id : 'embeds';
				break;
			}
		}
		/**
		 * Filters which config id gates an embed.
		 *
		 * @param string $service The category or service id.
		 * @param string $url     The embedded URL.
		 */
		return (string) apply_filters( 'doui_oembed_service', $service, $url );
	}

	/**
	 * Embedded iframes and scripts wait for consent for their service.
	 *
	 * @param string $html The embed's HTML.
	 * @param string $url  The embedded URL.
	 */
	public static function gate_embed( $html, $url ) {
		if ( ! self::gated() || ! is_string( $html ) || str_contains( $html, 'data-consent' ) ) {
			return $html;
		}
		$id   = esc_attr( self::embed_service( (string) $url ) );
		$html = preg_replace( '/<iframe\b([^>]*?)\ssrc=(["\'])/i', '<iframe$1 data-consent="' . $id . '" data-src=$2', $html );
		return (string) preg_replace( '/<script\b([^>]*?)\ssrc=(["\'])/i', '<script type="text/plain" data-consent="' . $id . '"$1 data-src=$2', (string) $html );
	}

	/**
	 * Whether the config has a category or service with this id.
	 *
	 * @param string $id The id.
	 */
	private static function has_id( string $id ): bool {
		foreach ( (array) ( self::config()['categories'] ?? array() ) as $c ) {
			if ( ( $c['id'] ?? '' ) === $id ) {
				return true;
			}
			foreach ( (array) ( $c['services'] ?? array() ) as $s ) {
				if ( ( $s['id'] ?? '' ) === $id ) {
					return true;
				}
			}
		}
		return false;
	}

	/**
	 * The id of the service (or its category) that declares a cookie name, or ''.
	 *
	 * @param string $name A cookie name.
	 */
	public static function cookie_owner( string $name ): string {
		foreach ( (array) ( self::config()['categories'] ?? array() ) as $c ) {
			foreach ( (array) ( $c['services'] ?? array() ) as $s ) {
				foreach ( (array) ( $s['cookies'] ?? array() ) as $cookie ) {
					$pattern = (string) ( $cookie['name'] ?? '' );
					$regex   = '/^' . str_replace( '\*', '.*', preg_quote( $pattern, '/' ) ) . '$/Ds';
					if ( '' !== $pattern && preg_match( $regex, $name ) ) {
						return (string) $s['id'];
					}
				}
			}
		}
		return '';
	}

	/**
	 * The service that declares WordPress's comment cookies, or ''.
	 */
	public static function comment_cookie_owner(): string {
		return self::cookie_owner( 'comment_author_' . ( defined( 'COOKIEHASH' ) ? COOKIEHASH : '' ) );
	}

	/**
	 * Whether the visitor allowed a category or service. Necessary categories
	 * and their services always are; anything else needs a valid choice, and
	 * the browser's Global Privacy Control signal (`Sec-GPC: 1`) refuses what
	 * it covers, as in the banner.
	 *
	 * @param string $id A category or service id.
	 */
	public static function allowed( string $id ): bool {
		$config = self::config();
		if ( null === $config || '' === $id ) {
			return false;
		}
		foreach ( (array) $config['categories'] as $c ) {
			$services = array_column( (array) ( $c['services'] ?? array() ), 'id' );
			if ( true === ( $c['required'] ?? false ) && ( $c['id'] === $id || in_array( $id, $services, true ) ) ) {
				return true;
			}
		}
		$header = isset( $_SERVER['HTTP_COOKIE'] ) ? (string) wp_unslash( $_SERVER['HTTP_COOKIE'] ) : ''; // phpcs:ignore WordPress.Security.ValidatedSanitizedInput.InputNotSanitized -- parsed by the consent reader, never output.
		$gpc    = isset( $_SERVER['HTTP_SEC_GPC'] ) && '1' === $_SERVER['HTTP_SEC_GPC'];
		return Doui_Consent::allows( $header, $config, time(), $id, $gpc );
	}

	/**
	 * During a comment POST only: doui decides about the comment cookies, in
	 * place of core's checkbox-only rule and of WP Consent API's check (which
	 * asks for a category that does not exist).
	 */
	public static function take_over_comment_cookies(): void {
		remove_action( 'set_comment_cookies', 'wp_set_comment_cookies', 10 );
		remove_action( 'set_comment_cookies', 'wp_consent_api_set_comment_cookies', 10 );
		add_action( 'set_comment_cookies', array( __CLASS__, 'set_comment_cookies' ), 10, 3 );
	}

	/**
	 * Sets the comment cookies only with consent for the service that declares
	 * them (and the "save my name" box ticked where the form shows it); deletes
	 * them otherwise.
	 *
	 * @param WP_Comment $comment         The comment.
	 * @param WP_User    $user            The commenter, if logged in.
	 * @param bool       $cookies_consent Whether the "save my name" box was ticked.
	 */
	public static function set_comment_cookies( $comment, $user, $cookies_consent ): void {
		$box_shown = get_option( 'show_comments_cookies_opt_in' )
			&& ! has_filter( 'comment_form_default_fields', 'wp_consent_api_wordpress_comment_form_hide_cookies_consent' );
		$consent   = self::allowed( self::comment_cookie_owner() ) && ( $cookies_consent || ! $box_shown );
		wp_set_comment_cookies( $comment, $user, $consent );
	}

	/**
	 * `[doui_settings]`: a button that opens the cookie preferences.
	 *
	 * @param array|string $atts Attributes (`text`).
	 */
	public static function settings_link( $atts ): string {
		$atts = shortcode_atts( array( 'text' => __( 'Cookie settings', 'doui' ) ), $atts, 'doui_settings' );
		return sprintf( '<button type="button" class="doui-wp-settings" data-doui-open>%s</button>', esc_html( $atts['text'] ) );
	}

	/**
	 * `[doui_policy]`: a Markdown privacy policy with the cookie and external
	 * transmission tables from the config. Markdown between the tags, a file
	 * given as `src`, or the plugin's policy for WordPress in the site's language.
	 *
	 * @param array|string $atts    Attributes (`src`).
	 * @param string|null  $content Markdown.
	 */
	public static function policy( $atts, $content = null ): string {
		$atts     = shortcode_atts( array( 'src' => '' ), $atts, 'doui_policy' );
		$markdown = is_string( $content ) ? trim( self::unautop( $content ) ) : '';
		if ( '' !== $markdown ) {
			return sprintf( '<div class="doui-wp-policy" data-doui-markdown="%s"></div>', esc_attr( $markdown ) );
		}
		$src = '' !== $atts['src'] ? $atts['src'] : self::default_policy_url();
		return sprintf( '<div class="doui-wp-policy" data-doui-policy="%s"></div>', esc_url( $src ) );
	}

	/**
	 * The plugin's own policy text for the site's language.
	 */
	public static function default_policy_url(): string {
		$lang = str_starts_with( get_locale(), 'ja' ) ? 'ja' : 'en';
		return plugins_url( "policy/privacy.$lang.md", DOUI_FILE );
	}

	/**
	 * Undoes what wpautop does to Markdown inside a shortcode.
	 *
	 * @param string $text The shortcode content.
	 */
	private static function unautop( string $text ): string {
		$text = preg_replace( '#<br\s*/?>\s*#i', "\n", $text );
		$text = preg_replace( '#</p>\s*<p>#i', "\n\n", (string) $text );
		$text = preg_replace( '#^\s*<p>|</p>\s*$#i', '', (string) $text );
		return html_entity_decode( (string) $text, ENT_QUOTES | ENT_HTML5, 'UTF-8' );
	}

	/**
	 * Administrators may upload a Markdown policy to the media library, for
	 * `[doui_policy src="…"]`.
	 *
	 * @param array $mimes Allowed file types by extension.
	 */
	public static function markdown_uploads( $mimes ) {
		if ( current_user_can( 'manage_options' ) ) {
			$mimes['md'] = 'text/plain';
		}
		return $mimes;
	}

	/**
	 * Keeps typographic quotes out of Markdown.
	 *
	 * @param array $shortcodes Shortcodes whose content is left alone.
	 */
	public static function no_texturize( $shortcodes ) {
		$shortcodes[] = 'doui_policy';
		return $shortcodes;
	}

	/**
	 * Blocks for the editor: the settings button and the policy.
	 */
	public static function register_blocks(): void {
		wp_register_script( 'doui-blocks', plugins_url( 'assets/blocks.js', DOUI_FILE ), array( 'wp-blocks', 'wp-element', 'wp-i18n', 'wp-block-editor' ), DOUI_VERSION, true );
		wp_set_script_translations( 'doui-blocks', 'doui', dirname( DOUI_FILE ) . '/languages' );
		register_block_type(
			'doui/settings-link',
			array(
				'api_version'     => 2,
				'editor_script'   => 'doui-blocks',
				'render_callback' => static function ( $attributes ) {
					return self::settings_link( array( 'text' => (string) ( $attributes['text'] ?? '' ) ?: __( 'Cookie settings', 'doui' ) ) );
				},
				'attributes'      => array( 'text' => array( 'type' => 'string' ) ),
			)
		);
		register_block_type(
			'doui/policy',
			array(
				'api_version'     => 2,
				'editor_script'   => 'doui-blocks',
				'render_callback' => static function ( $attributes ) {
					$markdown = (string) ( $attributes['markdown'] ?? '' );
					return self::policy( array( 'src' => (string) ( $attributes['src'] ?? '' ) ), '' === trim( $markdown ) ? null : $markdown );
				},
				'attributes'      => array(
					'src'      => array( 'type' => 'string' ),
					'markdown' => array( 'type' => 'string' ),
				),
			)
		);
	}

	/**
	 * Suggested text for the privacy policy guide: the cookies of the config.
	 */
	public static function privacy_policy_content(): void {
		$config = self::config();
		if ( null === $config || ! function_exists( 'wp_add_privacy_policy_content' ) ) {
			return;
		}
		$lang = str_starts_with( get_locale(), 'ja' ) ? 'ja' : 'en';
		$text = static function ( $t ) use ( $lang ): string {
			if ( is_string( $t ) ) {
				return $t;
			}
			$t = (array) $t;
			return (string) ( $t[ $lang ] ?? reset( $t ) );
		};
		$html = '<p>' . esc_html__( 'This site asks visitors before it sets cookies that are not necessary, and before it loads avatars, emoji and embedded content from other sites. Add the [doui_policy] shortcode or the doui policy block to this page: it shows the full cookie table and the external transmission table from the doui settings.', 'doui' ) . '</p>';
		foreach ( (array) $config['categories'] as $c ) {
			$names = array();
			foreach ( (array) ( $c['services'] ?? array() ) as $s ) {
				foreach ( (array) ( $s['cookies'] ?? array() ) as $cookie ) {
					$names[] = '<code>' . esc_html( (string) $cookie['name'] ) . '</code> (' . esc_html( $text( $s['name'] ?? '' ) ) . ')';
				}
			}
			if ( $names ) {
				$html .= '<h3>' . esc_html( $text( $c['title'] ?? '' ) ) . '</h3><p>' . implode( ', ', $names ) . '</p>';
			}
		}
		wp_add_privacy_policy_content( 'doui', wp_kses_post( $html ) );
	}

	/**
	 * WP Consent API: doui asks before anything runs.
	 *
	 * @param string|false $type The consent type so far.
	 */
	public static function consent_type( $type ) {
		return null === self::config() ? $type : 'optin';
	}

	/**
	 * WP Consent API categories and the doui ids that must all be allowed for
	 * each, from the settings (`preferences: preferences`, one per line).
	 *
	 * @return array<string,string[]>
	 */
	public static function wca_map(): array {
		$map = array();
		foreach ( preg_split( '/\R/', (string) self::settings()['wca'] ) as $line ) {
			$parts = explode( ':', $line, 2 );
			if ( 2 !== count( $parts ) ) {
				continue;
			}
			$ids = preg_split( '/[\s,]+/', trim( $parts[1] ), -1, PREG_SPLIT_NO_EMPTY );
			if ( $ids ) {
				$map[ trim( $parts[0] ) ] = $ids;
			}
		}
		return $map;
	}

	/**
	 * WP Consent API's `wp_has_consent()` answers from doui's choice.
	 *
	 * @param bool   $has_consent What WP Consent API found.
	 * @param string $category    The WP Consent API category.
	 */
	public static function wp_has_consent( $has_consent, $category ) {
		if ( null === self::config() ) {
			return $has_consent;
		}
		$ids = self::wca_map()[ (string) $category ] ?? array();
		if ( ! $ids ) {
			return false;
		}
		foreach ( $ids as $id ) {
			if ( ! self::allowed( $id ) ) {
				return false;
			}
		}
		return true;
	}
}
