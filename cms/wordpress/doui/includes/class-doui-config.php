<?php
/**
 * The site config: the default built from WordPress's own cookies and what
 * WordPress sends to third parties, the stored config, and the server's own
 * check of what it relies on. The full check (every field, with line numbers)
 * is doui's wasm, run in the settings page.
 *
 * @package doui
 */

defined( 'ABSPATH' ) || defined( 'DOUI_TESTING' ) || exit;

/**
 * Config building and checking.
 */
final class Doui_Config {
	/** Option holding the config as JSON text. */
	const OPTION = 'doui_config';
	/** Longest run of digits a lifetime may have (the config format's limit). */
	const MAX_LIFETIME_DIGITS = 6;

	/**
	 * A lifetime in the config format (`1y`, `347d`, `session`) for a span in
	 * seconds, with a note giving the exact span when it is not a whole unit.
	 *
	 * @param int $seconds The span; 0 or less means until the browser closes.
	 * @return array{0:string,1:array<string,string>|null} Lifetime and note (ja/en) or null.
	 */
	public static function lifetime( int $seconds ): array {
		if ( $seconds <= 0 ) {
			return array( 'session', null );
		}
		$year = 365 * 86400;
		$exact = array( array( $year, 'y' ), array( 7 * 86400, 'w' ), array( 86400, 'd' ) );
		if ( $seconds < 86400 ) {
			$exact = array( array( 3600, 'h' ), array( 60, 'min' ), array( 1, 's' ) );
		}
		foreach ( $exact as list( $unit, $suffix ) ) {
			if ( 0 === $seconds % $unit && strlen( (string) ( $seconds / $unit ) ) <= self::MAX_LIFETIME_DIGITS ) {
				return array( ( $seconds / $unit ) . $suffix, null );
			}
		}
		$days  = max( 1, (int) round( $seconds / 86400 ) );
		$years = (int) round( $seconds / $year );
		$exact = number_format( $seconds );
		$about = $years >= 1 ? array( "約{$years}年", 1 === $years ? 'about 1 year' : "about {$years} years" ) : array( "約{$days}日", "about {$days} days" );
		return array(
			"{$days}d",
			array(
				'ja' => "正確には{$exact}秒（{$about[0]}）",
				'en' => "exactly {$exact} seconds ({$about[1]})",
			),
		);
	}

	/**
	 * The default config, from the values this WordPress uses.
	 *
	 * @param array $site {
	 *     What the site says about itself.
	 *
	 *     @type string $name             Site name.
	 *     @type string $policy_url       Privacy policy page, or ''.
	 *     @type int    $comment_lifetime Comment cookie lifetime in seconds.
	 *     @type int    $login            Login lifetime in seconds without "Remember me".
	 *     @type int    $remember         Login cookie lifetime in seconds with "Remember me".
	 *     @type int    $postpass         Lifetime of the password-protected post cookie in seconds.
	 * }
	 * @return array The config, ready for JSON.
	 */
	public static function build_default( array $site ): array {
		$t = static function ( string $ja, string $en ): array {
			return array(
				'ja' => $ja,
				'en' => $en,
			);
		};
		$us   = $t( 'アメリカ合衆国', 'United States' );
		$self = $t( '当サイト', 'This site' );

		list( $login_words_ja, $login_words_en ) = self::span_words( $site['login'] );
		list( $remember_ja, $remember_en )       = self::span_words( $site['remember'] );
		$login_note                              = $t(
			"ログインの有効期限はサーバー側で{$login_words_ja}です。「ログイン状態を保存する」を選んだ場合、Cookieは{$remember_ja}保存されます",
			"Your login expires on the server after {$login_words_en}; the cookie is kept {$remember_en} with “Remember me”"
		);
		$login_cookie = static function ( string $name, string $purpose_ja, string $purpose_en ) use ( $t, $login_note ): array {
			return array(
				'name'     => $name,
				'lifetime' => 'session',
				'purpose'  => $t( $purpose_ja, $purpose_en ),
				'note'     => $login_note,
			);
		};
		list( $postpass_life ) = self::lifetime( $site['postpass'] );
		$comment_cookies       = array();
		list( $comment_life, $comment_note ) = self::lifetime( $site['comment_lifetime'] );
		foreach ( array( 'comment_author_*', 'comment_author_email_*', 'comment_author_url_*' ) as $name ) {
			$cookie = array(
				'name'     => $name,
				'lifetime' => $comment_life,
			);
			if ( $comment_note ) {
				$cookie['note'] = $comment_note;
			}
			$comment_cookies[] = $cookie;
		}
		$page_visit = array(
			'ja' => '閲覧したページのURL、IPアドレス、ブラウザーの種類、閲覧日時',
			'en' => 'URL of the page viewed, IP address, browser type, time of the visit',
		);

		$config = array(
			'revision' => 1,
			'siteName' => $site['name'],
		);
		if ( '' !== $site['policy_url'] ) {
			$config['policyUrl'] = $site['policy_url'];
		}
		$config['cookie']     = array(
			'name' => Doui_Consent::DEFAULT_NAME,
			'days' => Doui_Consent::DEFAULT_DAYS,
		);
		$config['categories'] = array(
			array(
				'id'          => 'necessary',
				'required'    => true,
				'title'       => $t( '必須', 'Strictly necessary' ),
				'description' => $t(
					'ログイン、パスワードで保護された投稿の表示、Cookie設定の記憶など、サイトが動くために欠かせないCookieです。オフにはできません。',
					'Cookies the site cannot work without, such as logging in, showing password-protected posts and remembering your cookie choices. They cannot be switched off.'
				),
				'services'    => array(
					array(
						'id'       => 'consent',
						'name'     => $t( 'Cookie設定の記憶', 'Cookie choices' ),
						'provider' => $self,
						'purpose'  => $t( 'Cookieについての選択を記憶し、次回から尋ねないため', 'Remembers your cookie choices so we do not ask again' ),
						'cookies'  => array(
							array(
								'name'     => Doui_Consent::DEFAULT_NAME,
								'lifetime' => Doui_Consent::DEFAULT_DAYS . 'd',
							),
						),
					),
					array(
						'id'       => 'login',
						'name'     => $t( 'ログイン', 'Login' ),
						'provider' => $self,
						'purpose'  => $t( 'ログインした状態を保つため', 'Keeps you logged in' ),
						'cookies'  => array(
							$login_cookie( 'wordpress_logged_in_*', 'ログインしている利用者の識別', 'Identifies the logged-in user' ),
							$login_cookie( 'wordpress_sec_*', 'https での管理画面へのログイン', 'Login to the dashboard over https' ),
							$login_cookie( 'wordpress_*', 'http での管理画面へのログイン', 'Login to the dashboard over http' ),
							array(
								'name'     => 'wordpress_test_cookie',
								'lifetime' => 'session',
								'purpose'  => $t( 'ブラウザーがCookieを受け入れるかの確認', 'Checks that the browser accepts cookies' ),
							),
							array(
								'name'     => 'wp_lang',
								'lifetime' => 'session',
								'purpose'  => $t( 'ログイン画面で選んだ言語の記憶', 'Remembers the language chosen on the login screen' ),
							),
							array(
								'name'     => 'wp-saving-post',
								'lifetime' => '1d',
								'purpose'  => $t( '投稿の編集中に保存前の内容を失わないため', 'Keeps an unsaved post while it is being edited' ),
							),
						),
					),
					array(
						'id'       => 'post-password',
						'name'     => $t( 'パスワード保護された投稿', 'Password-protected posts' ),
						'provider' => $self,
						'purpose'  => $t( '入力したパスワードを記憶し、保護された投稿を表示するため', 'Remembers the password you entered so that a protected post can be shown' ),
						'cookies'  => array(
							array(
								'name'     => 'wp-postpass_*',
								'lifetime' => $postpass_life,
							),
						),
					),
				),
			),
			array(
				'id'          => 'preferences',
				'title'       => $t( '機能・設定の記憶', 'Preferences' ),
				'description' => $t(
					'コメント欄に入力したお名前などや、管理画面の表示設定を記憶します。',
					'Remembers what you typed into the comment form and your screen options.'
				),
				'services'    => array(
					array(
						'id'       => 'comments',
						'name'     => $t( 'コメント投稿者情報の保存', 'Comment details' ),
						'provider' => $self,
						'purpose'  => $t(
							'次にコメントするときにお名前、メールアドレス、サイトを再入力しなくて済むようにするため',
							'Saves your name, email address and website so you need not type them again when you next comment'
						),
						'cookies'  => $comment_cookies,
					),
					array(
						'id'       => 'screen-options',
						'name'     => $t( '画面表示オプション', 'Screen options' ),
						'provider' => $self,
						'purpose'  => $t( 'ログインした利用者の管理画面の表示設定を記憶するため', 'Remembers dashboard settings for logged-in users' ),
						'cookies'  => array(
							array(
								'name'     => 'wp-settings-*',
								'lifetime' => '1y',
							),
							array(
								'name'     => 'wp-settings-time-*',
								'lifetime' => '1y',
							),
						),
					),
				),
			),
			array(
				'id'          => 'analytics',
				'title'       => $t( 'アクセス解析', 'Analytics' ),
				'description' => $t(
					'どのページがどれだけ読まれているかを把握し、サイトを改善するために使います。',
					'Tells us which pages are read and how much, so that we can improve the site.'
				),
			),
			array(
				'id'          => 'advertising',
				'title'       => $t( '広告', 'Advertising' ),
				'description' => $t( '広告の表示や効果の測定に使います。', 'Shows adverts and measures them.' ),
			),
			array(
				'id'          => 'embeds',
				'title'       => $t( '外部のコンテンツ', 'Content from other sites' ),
				'description' => $t(
					'コメント投稿者のアバター画像、絵文字の画像、記事に埋め込んだ動画などを他のサイトから表示します。表示すると、そのサイトを訪れたのと同じように情報が送信されます。',
					'Shows commenters’ avatars, emoji images and videos embedded in posts from other sites. Showing them sends information to those sites as if you visited them.'
				),
				'services'    => array(
					array(
						'id'            => 'gravatar',
						'name'          => 'Gravatar',
						'provider'      => 'Automattic Inc.',
						'country'       => $us,
						'purpose'       => $t( 'コメント投稿者のアバター画像を表示するため', 'Shows commenters’ avatar images' ),
						'privacyUrl'    => 'https://automattic.com/privacy/',
						'transmissions' => array(
							array(
								'data'             => $t(
									'コメント投稿者のメールアドレスから計算したハッシュ値（MD5）、閲覧したページのURL、IPアドレス、ブラウザーの種類、閲覧日時',
									'A hash (MD5) computed from the commenter’s email address, URL of the page viewed, IP address, browser type, time of the visit'
								),
								'purposeSite'      => $t( 'コメント投稿者のアバター画像を表示するため', 'To show commenters’ avatar images' ),
								'purposeRecipient' => $t( 'Gravatar サービスの提供のため', 'To provide the Gravatar service' ),
								'recipientUrl'     => 'https://automattic.com/privacy/',
							),
						),
					),
					array(
						'id'            => 'wp-emoji',
						'name'          => $t( 'WordPress の絵文字画像', 'WordPress emoji images' ),
						'provider'      => 'WordPress.org',
						'country'       => $us,
						'purpose'       => $t( 'ブラウザーが表示できない絵文字を画像で表示するため', 'Shows emoji the browser cannot display as images' ),
						'privacyUrl'    => 'https://wordpress.org/about/privacy/',
						'transmissions' => array(
							array(
								'data'         => $page_visit,
								'purposeSite'  => $t( '絵文字を正しく表示するため', 'To display emoji correctly' ),
								'recipientUrl' => 'https://wordpress.org/about/privacy/',
							),
						),
					),
					array(
						'id'            => 'youtube',
						'name'          => 'YouTube',
						'provider'      => 'Google LLC',
						'country'       => $us,
						'purpose'       => $t( '記事に埋め込んだ動画を表示するため', 'Shows videos embedded in posts' ),
						'privacyUrl'    => 'https://policies.google.com/privacy',
						'cookies'       => array(
							array(
								'name'     => 'VISITOR_INFO1_LIVE',
								'lifetime' => '6mo',
								'party'    => 'third',
							),
							array(
								'name'     => 'YSC',
								'lifetime' => 'session',
								'party'    => 'third',
							),
						),
						'transmissions' => array(
							array(
								'data'             => $t(
									'閲覧したページのURL、IPアドレス、ブラウザーと端末の種類、閲覧日時、YouTube のCookie',
									'URL of the page viewed, IP address, browser and device type, time of the visit, YouTube’s cookies'
								),
								'purposeSite'      => $t( '記事に埋め込んだ動画を表示するため', 'To show videos embedded in posts' ),
								'purposeRecipient' => $t( '動画の配信、再生回数の集計、Google のサービスの改善のため', 'To serve videos, count views and improve Google’s services' ),
								'recipientUrl'     => 'https://policies.google.com/privacy',
							),
						),
					),
				),
			),
		);
		return $config;
	}

	/**
	 * A span in words, Japanese and English (`2日`, `2 days`).
	 *
	 * @param int $seconds The span.
	 * @return array{0:string,1:string}
	 */
	public static function span_words( int $seconds ): array {
		foreach ( array( array( 86400, '日', 'day' ), array( 3600, '時間', 'hour' ), array( 60, '分', 'minute' ) ) as list( $unit, $ja, $en ) ) {
			if ( $seconds >= $unit && 0 === $seconds % $unit ) {
				$n = intdiv( $seconds, $unit );
				return array( "{$n}{$ja}", $n . ' ' . $en . ( 1 === $n ? '' : 's' ) );
			}
		}
		return array( "{$seconds}秒", "{$seconds} seconds" );
	}

	/**
	 * What is wrong with a config in the parts the server relies on (JSON, the
	 * revision, the consent cookie, category and service ids), or ''. The
	 * message names the field as doui's own check does.
	 *
	 * @param string $json The config text.
	 */
	public static function problem( string $json ): string {
		$config = json_decode( $json, true );
		if ( JSON_ERROR_NONE !== json_last_error() ) {
			return 'config: not valid JSON: ' . json_last_error_msg();
		}
		if ( ! is_array( $config ) || array_is_list( $config ) && array() !== $config ) {
			return 'config: expected an object';
		}
		$revision = $config['revision'] ?? null;
		if ( ! is_int( $revision ) || $revision < 1 || $revision > 4294967295 ) {
			return 'config: revision: expected a whole number from 1';
		}
		$cookie = $config['cookie'] ?? array();
		if ( ! is_array( $cookie ) ) {
			return 'config: cookie: expected an object';
		}
		if ( isset( $cookie['name'] ) && ( ! is_string( $cookie['name'] ) || ! preg_match( '/^[A-Za-z0-9_-]{1,64}$/D', $cookie['name'] ) ) ) {
			return 'config: cookie.name: expected a cookie name';
		}
		if ( isset( $cookie['days'] ) && ( ! is_int( $cookie['days'] ) || $cookie['days'] < 1 || $cookie['days'] > 395 ) ) {
			return 'config: cookie.days: consent lifetime must be 1 to 395 days';
		}
		$categories = $config['categories'] ?? null;
		if ( ! is_array( $categories ) || ! array_is_list( $categories ) || array() === $categories ) {
			return 'config: categories: expected a non-empty array';
		}
		$seen = array();
		foreach ( $categories as $ci => $category ) {
			$items = array( array( "categories[$ci]", $category ) );
			if ( is_array( $category ) && isset( $category['services'] ) ) {
				if ( ! is_array( $category['services'] ) || ! array_is_list( $category['services'] ) ) {
					return "config: categories[$ci].services: expected an array";
				}
				foreach ( $category['services'] as $si => $service ) {
					$items[] = array( "categories[$ci].services[$si]", $service );
				}
			}
			foreach ( $items as list( $path, $item ) ) {
				$id = is_array( $item ) ? ( $item['id'] ?? null ) : null;
				if ( ! is_string( $id ) || ! preg_match( '/^[a-z][a-z0-9_-]*$/D', $id ) ) {
					return "config: $path.id: expected an id (a-z, 0-9, -, _, starting with a letter)";
				}
				if ( isset( $seen[ $id ] ) ) {
					return "config: $path.id: \"$id\" is used twice";
				}
				$seen[ $id ] = true;
			}
		}
		return '';
	}

	/**
	 * FNV-1a (32 bits, hex) of a config text with LF line ends: the settings
	 * page's script sends it once doui's wasm has found the config valid.
	 *
	 * @param string $text The config text.
	 */
	public static function checked_token( string $text ): string {
		$text = str_replace( "\r\n", "\n", $text );
		$hash = 0x811c9dc5;
		$len  = strlen( $text );
		for ( $i = 0; $i < $len; $i++ ) {
			$hash ^= ord( $text[ $i ] );
			$hash  = ( $hash * 0x01000193 ) & 0xffffffff;
		}
		return sprintf( '%08x', $hash );
	}

	/**
	 * JSON text for output in a page: objects stay objects, and `<`, `>`, `&`
	 * and quotes are escaped so that nothing in it can close the script element.
	 *
	 * @param string $json     The stored config.
	 * @param string $cm_mode  Consent Mode mode from the settings (`basic`, `advanced`) or ''.
	 */
	public static function for_page( string $json, string $cm_mode = '' ): string {
		$value = json_decode( $json );
		if ( ! $value instanceof stdClass ) {
			return '';
		}
		if ( in_array( $cm_mode, array( 'basic', 'advanced' ), true ) ) {
			if ( ! isset( $value->consentMode ) || ! $value->consentMode instanceof stdClass ) {
				$value->consentMode = new stdClass();
			}
			$value->consentMode->mode = $cm_mode;
		}
		return (string) wp_json_encode( $value, JSON_HEX_TAG | JSON_HEX_AMP | JSON_HEX_APOS | JSON_HEX_QUOT | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES );
	}
}
