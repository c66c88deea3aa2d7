<?php
/**
 * The base configuration for WordPress
 */

// ** Database settings - You can get this info from your web host ** //
/** The name of the database for WordPress */
define( 'DB_NAME', 'acme_wp' );

/** Database username */
define( 'DB_USER', 'acme_wp' );

/** Database password */
define( 'DB_PASSWORD', 'hunter22' );

/** Database hostname */
define( 'DB_HOST', 'localhost' );

define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );

/**#@+
 * Authentication unique keys and salts.
 */
define( 'AUTH_KEY',         'ka%VE!tNMO66iv/9b4!b8/p6}k@+cs?DZVe*f=+Z{O9$,;+jDOm?l*pFbY<fo;gY' );
define( 'SECURE_AUTH_KEY',  't>:GEw[bE^Fon~sIX0eZ776Hehd?z2,G#XnBo1<nKo63sZEqqZ3#CYxU,@w0A=2c' );
define( 'LOGGED_IN_KEY',    '!M_LpjN@E&~8A]4#r!(k<,n=Oh7k@g$Q&vm|UZKYiCy6A|b<aCQY{}AhI>cX<hs,' );
define( 'NONCE_KEY',        '&:CA#<*=>I$d}}$B8[9Sr|6|wnyclVK+~mtex}::pDSA-3lxl7ke_tt.uA1fTo;Z' );
define( 'AUTH_SALT',        '0Hp}X{yT4V3cSykBX0h]B0,(Rf%ZSc+s1EPvZhWfZ>5+esavy,[L},]0dgp%&aqO' );
define( 'SECURE_AUTH_SALT', '{}k]&M5s{2K-}0&k:s}fMHM+/4Oj<HWN+-9cpoQZI5LBIb8/azk1t]CR0_nIbOvV' );
define( 'LOGGED_IN_SALT',   '1]LUBu+z^f&kJa?c(mIynp@@Tcai?G;1pQ1{9WE{zNuC=xwXTjsd~As>0l/HL2R/' );
define( 'NONCE_SALT',       'PYzQF6d&cSc4*0$0]l^s/E&FcwfvHCU!e@qFO81<VQFL0~b0aA<~3>taB{{=rd]m' );

/**#@-*/
$table_prefix = 'wp_';
define( 'WP_DEBUG', false );
if ( ! defined( 'ABSPATH' ) ) {
	define( 'ABSPATH', __DIR__ . '/' );
}
require_once ABSPATH . 'wp-settings.php';
