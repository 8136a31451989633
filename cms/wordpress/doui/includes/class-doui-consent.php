<?php
/**
 * Reads doui's consent cookie on the server, with the same format and rules as
 * the banner (src/consent.rs): another format version, a malformed value, another
 * config revision, an expired or future-dated choice, or ids the config does not
 * have (or lacks) all mean no consent, and Global Privacy Control refuses what
 * it covers. Checked against the vectors the Rust codec
 * generates (tests/vectors/consent-cookie.json).
 *
 * Pure PHP, no WordPress: the decision depends only on the Cookie header, the
 * config and the time.
 *
 * @package doui
 */

defined( 'ABSPATH' ) || defined( 'DOUI_TESTING' ) || exit;

/**
 * The consent cookie reader.
 */
final class Doui_Consent {
	/** The cookie format this reader understands. */
	const FORMAT_VERSION = '1';
	/** How far a stored time may lie in the future (clock differences), in seconds. */
	const FUTURE_TOLERANCE = 600;
	/** Longest cookie value accepted. */
	const MAX_COOKIE_LEN = 4000;
	/** Consent lifetime when the config says nothing, in days. */
	const DEFAULT_DAYS = 182;
	/** Cookie name when the config says nothing. */
	const DEFAULT_NAME = 'doui_consent';

	/**
	 * The decision for every category and service of the config, in config order
	 * (id => allowed), or null when the visitor has no valid choice.
	 *
	 * @param string $header The raw Cookie header.
	 * @param array  $config The site config, decoded as arrays.
	 * @param int    $now    Unix seconds.
	 * @param bool   $gpc    Whether the browser sends Global Privacy Control.
	 * @return array<string,bool>|null
	 */
	public static function decision( string $header, array $config, int $now, bool $gpc = false ): ?array {
		$value = self::find_cookie( $header, self::cookie_name( $config ) );
		if ( null === $value ) {
			return null;
		}
		$record  = self::decode( $value );
		$choices = null === $record ? null : self::current_choices( $record, $config, $now );
		return null !== $choices && $gpc ? self::deny_for_gpc( $choices, $config ) : $choices;
	}

	/**
	 * Refuses the categories (and their services) that Global Privacy Control
	 * denies, unless the config says the signal has no force for the site: those
	 * marked `gpc`, by default those that grant an advertising consent type.
	 *
	 * @param array<string,bool> $choices The decisions.
	 * @param array              $config  The site config.
	 * @return array<string,bool>
	 */
	public static function deny_for_gpc( array $choices, array $config ): array {
		if ( false === ( $config['honourGpc'] ?? true ) ) {
			return $choices;
		}
		foreach ( (array) ( $config['categories'] ?? array() ) as $c ) {
			$required = true === ( $c['required'] ?? false );
			if ( $required ) {
				continue;
			}
			if ( isset( $c['gpc'] ) ) {
				$denied = true === $c['gpc'];
			} elseif ( isset( $c['consentTypes'] ) ) {
				$denied = (bool) array_intersect( (array) $c['consentTypes'], array( 'ad_storage', 'ad_user_data', 'ad_personalization' ) );
			} else {
				$denied = in_array( $c['id'] ?? '', array( 'advertising', 'marketing', 'ads' ), true );
			}
			if ( $denied ) {
				$choices[ (string) $c['id'] ] = false;
				foreach ( (array) ( $c['services'] ?? array() ) as $s ) {
					$choices[ (string) $s['id'] ] = false;
				}
			}
		}
		return $choices;
	}

	/**
	 * Whether a category or service id is allowed; false without a valid choice
	 * and for ids the config does not have.
	 *
	 * @param string $header The raw Cookie header.
	 * @param array  $config The site config.
	 * @param int    $now    Unix seconds.
	 * @param string $id     Category or service id.
	 * @param bool   $gpc    Whether the browser sends Global Privacy Control.
	 */
	public static function allows( string $header, array $config, int $now, string $id, bool $gpc = false ): bool {
		$choices = self::decision( $header, $config, $now, $gpc );
		return null !== $choices && true === ( $choices[ $id ] ?? false );
	}

	/**
	 * The consent cookie's name.
	 *
	 * @param array $config The site config.
	 */
	public static function cookie_name( array $config ): string {
		$name = $config['cookie']['name'] ?? self::DEFAULT_NAME;
		return is_string( $name ) ? $name : self::DEFAULT_NAME;
	}

	/**
	 * The value of cookie `$name` in a Cookie header: the first pair whose
	 * trimmed name matches exactly.
	 *
	 * @param string $header The raw Cookie header.
	 * @param string $name   Cookie name.
	 */
	public static function find_cookie( string $header, string $name ): ?string {
		foreach ( explode( ';', $header ) as $pair ) {
			$eq = strpos( $pair, '=' );
			if ( false === $eq ) {
				continue;
			}
			if ( self::trim( substr( $pair, 0, $eq ) ) === $name ) {
				return self::trim( substr( $pair, $eq + 1 ) );
			}
		}
		return null;
	}

	/**
	 * Reads a cookie value into [time, revision, items], or null when malformed.
	 *
	 * @param string $value The cookie value.
	 * @return array{time:int,revision:int,items:array<int,array{0:string,1:bool}>}|null
	 */
	public static function decode( string $value ): ?array {
		if ( strlen( $value ) > self::MAX_COOKIE_LEN ) {
			return null;
		}
		$fields = explode( '.', $value );
		if ( 6 !== count( $fields ) || self::FORMAT_VERSION !== $fields[0] ) {
			return null;
		}
		if ( ! preg_match( '/^[A-Za-z0-9_-]{22}$/D', $fields[1] ) ) {
			return null;
		}
		$time     = self::parse_uint( $fields[2], 12 );
		$revision = self::parse_uint( $fields[3], 10 );
		if ( null === $time || null === $revision || $revision > 4294967295 ) {
			return null;
		}
		$policy = $fields[4];
		if ( '-' !== $policy && ! preg_match( '/^[A-Za-z0-9]{1,16}$/D', $policy ) ) {
			return null;
		}
		$items = array();
		$seen  = array();
		foreach ( explode( '~', $fields[5] ) as $entry ) {
			$colon = strpos( $entry, ':' );
			if ( false === $colon ) {
				return null;
			}
			$id = substr( $entry, 0, $colon );
			$on = substr( $entry, $colon + 1 );
			if ( '1' !== $on && '0' !== $on ) {
				return null;
			}
			if ( ! self::is_id( $id ) || isset( $seen[ $id ] ) ) {
				return null;
			}
			$seen[ $id ] = true;
			$items[]     = array( $id, '1' === $on );
		}
		return array(
			'time'     => $time,
			'revision' => $revision,
			'items'    => $items,
		);
	}

	/**
	 * The stored choices if they still count under `$config` at `$now`: same
	 * revision, not expired, not from the future, and a decision for exactly the
	 * config's categories and services. Necessary categories are always on.
	 *
	 * @param array $record From decode().
	 * @param array $config The site config.
	 * @param int   $now    Unix seconds.
	 * @return array<string,bool>|null
	 */
	public static function current_choices( array $record, array $config, int $now ): ?array {
		$days    = $config['cookie']['days'] ?? self::DEFAULT_DAYS;
		$max_age = ( is_int( $days ) ? $days : self::DEFAULT_DAYS ) * 86400;
		if ( ! isset( $config['revision'] ) || $record['revision'] !== $config['revision']
			|| $record['time'] > $now + self::FUTURE_TOLERANCE
			|| max( 0, $now - $record['time'] ) > $max_age ) {
			return null;
		}
		$categories = self::categories( $config );
		$out        = self::all( $categories, false );
		if ( count( $out ) !== count( $record['items'] ) ) {
			return null;
		}
		foreach ( $record['items'] as list( $id, $on ) ) {
			if ( ! self::set( $out, $categories, $id, $on ) ) {
				return null;
			}
		}
		// Service decisions again: a category entry later in the list must not
		// override services that were chosen one by one.
		foreach ( $record['items'] as list( $id, $on ) ) {
			if ( self::is_service( $categories, $id ) ) {
				self::set( $out, $categories, $id, $on );
			}
		}
		return $out;
	}

	/**
	 * The config's categories as [id, required, service ids].
	 *
	 * @param array $config The site config.
	 * @return array<int,array{0:string,1:bool,2:string[]}>
	 */
	private static function categories( array $config ): array {
		$out = array();
		foreach ( (array) ( $config['categories'] ?? array() ) as $c ) {
			$services = array();
			foreach ( (array) ( $c['services'] ?? array() ) as $s ) {
				$services[] = (string) ( $s['id'] ?? '' );
			}
			$out[] = array( (string) ( $c['id'] ?? '' ), true === ( $c['required'] ?? false ), $services );
		}
		return $out;
	}

	/**
	 * Every item set to `$allowed`, necessary categories always on.
	 *
	 * @param array $categories From categories().
	 * @param bool  $allowed    The value.
	 * @return array<string,bool>
	 */
	private static function all( array $categories, bool $allowed ): array {
		$items = array();
		foreach ( $categories as list( $id, $required, $services ) ) {
			$items[ $id ] = $allowed || $required;
			foreach ( $services as $s ) {
				$items[ $s ] = $allowed || $required;
			}
		}
		return $items;
	}

	/**
	 * Whether `$id` is a service.
	 *
	 * @param array  $categories From categories().
	 * @param string $id         The id.
	 */
	private static function is_service( array $categories, string $id ): bool {
		foreach ( $categories as $c ) {
			if ( in_array( $id, $c[2], true ) ) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Sets a category (and its services) or one service (and its category, on
	 * exactly when all its services are). False for an unknown id.
	 *
	 * @param array  $items      The decisions, changed in place.
	 * @param array  $categories From categories().
	 * @param string $id         Category or service id.
	 * @param bool   $allowed    The value.
	 */
	private static function set( array &$items, array $categories, string $id, bool $allowed ): bool {
		foreach ( $categories as list( $cid, $required, $services ) ) {
			if ( $cid !== $id && ! in_array( $id, $services, true ) ) {
				continue;
			}
			$value = $allowed || $required;
			foreach ( array_keys( $items ) as $item ) {
				$item = (string) $item;
				if ( $item === $id || ( $cid === $id && in_array( $item, $services, true ) ) ) {
					$items[ $item ] = $value;
				}
			}
			if ( $services ) {
				$all_on = true;
				foreach ( $services as $s ) {
					$all_on = $all_on && true === ( $items[ $s ] ?? null );
				}
				$items[ $cid ] = $all_on || $required;
			}
			return true;
		}
		return false;
	}

	/**
	 * A whole number without sign or leading zero, at most `$max_len` digits.
	 *
	 * @param string $s       The text.
	 * @param int    $max_len Most digits.
	 */
	private static function parse_uint( string $s, int $max_len ): ?int {
		if ( '' === $s || strlen( $s ) > $max_len || ! ctype_digit( $s ) || ( strlen( $s ) > 1 && '0' === $s[0] ) ) {
			return null;
		}
		return (int) $s;
	}

	/**
	 * A config id: a lower-case letter, then `a-z 0-9 - _`.
	 *
	 * @param string $s The text.
	 */
	private static function is_id( string $s ): bool {
		return 1 === preg_match( '/^[a-z][a-z0-9_-]*$/D', $s );
	}

	/**
	 * Trims ASCII whitespace as Rust's `trim_ascii` does.
	 *
	 * @param string $s The text.
	 */
	private static function trim( string $s ): string {
		return trim( $s, " \t\n\r\x0C" );
	}
}
