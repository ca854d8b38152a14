/* render_schema.c - what each page's template may name: the field schemas of every page kind and the
 * template file of each (see render.h). Data only: render_load compiles each template against its schema,
 * so a template naming an unknown variable stops the server at start-up. */
#include "render.h"

#include <stddef.h>

#include "i18n.h"

#define I18N_FIELD(key, en, ar) {#key, TMPL_TEXT, NULL},

static const struct tmpl_field nav_fields[] = {
	{"name", TMPL_TEXT, NULL}, {"href", TMPL_TEXT, NULL}, {"current", TMPL_BOOL, NULL}, {NULL, 0, NULL}};

static const struct tmpl_field most_read_fields[] = {
	{"headline", TMPL_TEXT, NULL}, {"href", TMPL_TEXT, NULL}, {NULL, 0, NULL}};

static const struct tmpl_field latest_fields[] = {
	{"headline", TMPL_TEXT, NULL}, {"href", TMPL_TEXT, NULL}, {"stamp", TMPL_TEXT, NULL},
	{"iso", TMPL_TEXT, NULL},      {NULL, 0, NULL}};

/* the feeds a page announces in its <head> (autodiscovery) */
static const struct tmpl_field feed_link_fields[] = {
	{"title", TMPL_TEXT, NULL}, {"type", TMPL_TEXT, NULL}, {"href", TMPL_TEXT, NULL}, {NULL, 0, NULL}};

static const struct tmpl_field link_fields[] = {{"name", TMPL_TEXT, NULL}, {"href", TMPL_TEXT, NULL}, {NULL, 0, NULL}};

#define STORY_FIELDS                                                                                          \
	{"headline", TMPL_TEXT, NULL}, {"href", TMPL_TEXT, NULL}, {"standfirst", TMPL_TEXT, NULL},            \
		{"stamp", TMPL_TEXT, NULL}, {"iso", TMPL_TEXT, NULL}, {"section_name", TMPL_TEXT, NULL},      \
		{"section_href", TMPL_TEXT, NULL}, {"image", TMPL_BOOL, NULL}, {"image_src", TMPL_TEXT, NULL}, \
		{"image_alt", TMPL_TEXT, NULL}, {"image_w", TMPL_TEXT, NULL}, {"image_h", TMPL_TEXT, NULL},   \
		{"has_srcset", TMPL_BOOL, NULL}, {"image_webp", TMPL_TEXT, NULL}, {"image_jpg", TMPL_TEXT, NULL},   \
		{"has_comments", TMPL_BOOL, NULL}, {"comment_count", TMPL_TEXT, NULL}, {"comment_label", TMPL_TEXT, NULL}

static const struct tmpl_field story_fields[] = {STORY_FIELDS, {"lead", TMPL_BOOL, NULL}, {NULL, 0, NULL}};

static const struct tmpl_field block_fields[] = {
	{"name", TMPL_TEXT, NULL}, {"href", TMPL_TEXT, NULL}, {"stories", TMPL_LIST, story_fields}, {NULL, 0, NULL}};

static const struct tmpl_field alternate_fields[] = {
	{"hreflang", TMPL_TEXT, NULL}, {"href", TMPL_TEXT, NULL}, {NULL, 0, NULL}};

/* Sharing and search metadata in every reader page's head (render_frame sets the defaults). */
#define HEAD_META_FIELDS                                                                                      \
	{"og_type", TMPL_TEXT, NULL}, {"og_title", TMPL_TEXT, NULL}, {"og_description", TMPL_TEXT, NULL},     \
		{"og_locale", TMPL_TEXT, NULL}, {"has_og_image", TMPL_BOOL, NULL}, {"og_image", TMPL_TEXT, NULL}, \
		{"og_image_alt", TMPL_TEXT, NULL}, {"is_article_meta", TMPL_BOOL, NULL}, {"has_og_size", TMPL_BOOL, NULL}, \
		{"og_image_w", TMPL_TEXT, NULL}, {"og_image_h", TMPL_TEXT, NULL},                      \
		{"meta_published", TMPL_TEXT, NULL}, {"meta_modified", TMPL_TEXT, NULL},                      \
		{"meta_section", TMPL_TEXT, NULL}, {"has_jsonld", TMPL_BOOL, NULL}, {"jsonld", TMPL_HTML, NULL}, \
		{"alternates", TMPL_LIST, alternate_fields},

/* the breaking-news banner at the top of every reader page (breaking_view, templates/breaking.html) */
#define BREAKING_FIELDS                                                                                       \
	{"has_breaking", TMPL_BOOL, NULL}, {"breaking_label", TMPL_TEXT, NULL}, {"breaking_text", TMPL_TEXT, NULL}, \
		{"has_breaking_href", TMPL_BOOL, NULL}, {"breaking_href", TMPL_TEXT, NULL},

#define FRAME_FIELDS                                                                                          \
	{"lang", TMPL_TEXT, NULL}, {"dir", TMPL_TEXT, NULL}, {"title", TMPL_TEXT, NULL},                      \
		{"description", TMPL_TEXT, NULL}, {"site_name", TMPL_TEXT, NULL}, {"home_href", TMPL_TEXT, NULL}, \
		{"css_href", TMPL_TEXT, NULL}, {"icon_href", TMPL_TEXT, NULL}, {"canonical", TMPL_TEXT, NULL}, \
		{"nav", TMPL_LIST, nav_fields}, {"feeds", TMPL_LIST, feed_link_fields},                       \
		{"other_href", TMPL_TEXT, NULL},                                                              \
		{"other_name", TMPL_TEXT, NULL}, {"other_lang", TMPL_TEXT, NULL},                             \
		{"other_dir", TMPL_TEXT, NULL}, {"latest", TMPL_LIST, latest_fields},                         \
		{"has_most_read", TMPL_BOOL, NULL}, {"most_read", TMPL_LIST, most_read_fields},               \
		{"footer_developer", TMPL_TEXT, NULL}, {"footer_publisher", TMPL_TEXT, NULL},                 \
		{"year", TMPL_TEXT, NULL}, {"search_href", TMPL_TEXT, NULL}, {"search_q", TMPL_TEXT, NULL},  \
		{"push_key", TMPL_TEXT, NULL}, {"push_token", TMPL_TEXT, NULL}, /* push_optin.html */        \
		{"nl_form", TMPL_BOOL, NULL}, {"nl_token", TMPL_TEXT, NULL}, /* nl_form.html */               \
		BREAKING_FIELDS HEAD_META_FIELDS I18N_STRINGS(I18N_FIELD)

static const struct tmpl_field front_fields[] = {
	FRAME_FIELDS {"top", TMPL_LIST, story_fields}, {"blocks", TMPL_LIST, block_fields}, {NULL, 0, NULL}};

static const struct tmpl_field art_correction_fields[] = {
	{"stamp", TMPL_TEXT, NULL}, {"iso", TMPL_TEXT, NULL}, {"body", TMPL_TEXT, NULL}, {NULL, 0, NULL}};

#define COMMENT_FIELDS                                                                                        \
	{"id", TMPL_TEXT, NULL}, {"name", TMPL_TEXT, NULL}, {"body", TMPL_HTML, NULL}, {"stamp", TMPL_TEXT, NULL}, \
		{"iso", TMPL_TEXT, NULL}, {"pending", TMPL_BOOL, NULL}, {"edited", TMPL_BOOL, NULL}
static const struct tmpl_field reply_fields[] = {COMMENT_FIELDS, {NULL, 0, NULL}};
static const struct tmpl_field comment_fields[] = {COMMENT_FIELDS, {"can_reply", TMPL_BOOL, NULL},
						   {"has_replies", TMPL_BOOL, NULL}, {"replies", TMPL_LIST, reply_fields},
						   {NULL, 0, NULL}};

/* a live blog's status line and the live templates' strings (page_liveblog.c: live_status), on the article
 * page and an entry's page */
static const struct tmpl_field live_key_fields[] = {
	{"href", TMPL_TEXT, NULL}, {"label", TMPL_TEXT, NULL}, {"iso", TMPL_TEXT, NULL}, {"stamp", TMPL_TEXT, NULL},
	{NULL, 0, NULL}};
static const struct tmpl_field live_item_fields[] = {{"html", TMPL_HTML, NULL}, {NULL, 0, NULL}};
#define LIVE_STATUS_FIELDS                                                                                    \
	{"live", TMPL_BOOL, NULL}, {"live_ongoing", TMPL_BOOL, NULL}, {"live_state", TMPL_TEXT, NULL},        \
		{"live_poll", TMPL_TEXT, NULL}, {"live_started_iso", TMPL_TEXT, NULL},                        \
		{"live_started_stamp", TMPL_TEXT, NULL}, {"live_ended_iso", TMPL_TEXT, NULL},                 \
		{"live_ended_stamp", TMPL_TEXT, NULL}, {"live_blog_href", TMPL_TEXT, NULL},                   \
		{"lt_live", TMPL_TEXT, NULL}, {"lt_ended", TMPL_TEXT, NULL}, {"lt_started", TMPL_TEXT, NULL}, \
		{"lt_key_events", TMPL_TEXT, NULL}, {"lt_updates", TMPL_TEXT, NULL}, {"lt_older", TMPL_TEXT, NULL}, \
		{"lt_newest", TMPL_TEXT, NULL}, {"lt_none", TMPL_TEXT, NULL}, {"lt_pinned", TMPL_TEXT, NULL}, \
		{"lt_back", TMPL_TEXT, NULL},
static const struct tmpl_field live_update_fields[] = {
	FRAME_FIELDS LIVE_STATUS_FIELDS {"headline", TMPL_TEXT, NULL}, {"entry_title", TMPL_TEXT, NULL},
	{"section_name", TMPL_TEXT, NULL}, {"section_href", TMPL_TEXT, NULL}, {"entry", TMPL_HTML, NULL}, {NULL, 0, NULL}};

static const struct tmpl_field article_fields[] = {
	FRAME_FIELDS
	LIVE_STATUS_FIELDS
	{"live_count", TMPL_TEXT, NULL},
	{"live_paged", TMPL_BOOL, NULL},
	{"live_empty", TMPL_BOOL, NULL},
	{"live_entries", TMPL_LIST, live_item_fields},
	{"live_has_older", TMPL_BOOL, NULL},
	{"live_older_href", TMPL_TEXT, NULL},
	{"live_has_pinned", TMPL_BOOL, NULL},
	{"live_pinned", TMPL_HTML, NULL},
	{"live_has_keys", TMPL_BOOL, NULL},
	{"live_keys", TMPL_LIST, live_key_fields},
	{"headline", TMPL_TEXT, NULL},
	{"standfirst", TMPL_TEXT, NULL},
	{"body", TMPL_HTML, NULL},
	{"dateline", TMPL_TEXT, NULL},
	{"published_stamp", TMPL_TEXT, NULL},
	{"published_iso", TMPL_TEXT, NULL},
	{"updated", TMPL_BOOL, NULL},
	{"updated_stamp", TMPL_TEXT, NULL},
	{"updated_iso", TMPL_TEXT, NULL},
	{"section_name", TMPL_TEXT, NULL},
	{"section_href", TMPL_TEXT, NULL},
	{"has_authors", TMPL_BOOL, NULL},
	{"authors", TMPL_LIST, link_fields},
	{"has_tags", TMPL_BOOL, NULL},
	{"tags", TMPL_LIST, link_fields},
	{"image", TMPL_BOOL, NULL},
	{"image_src", TMPL_TEXT, NULL},
	{"image_alt", TMPL_TEXT, NULL},
	{"image_w", TMPL_TEXT, NULL},
	{"image_h", TMPL_TEXT, NULL},
	{"has_srcset", TMPL_BOOL, NULL},
	{"image_webp", TMPL_TEXT, NULL},
	{"image_jpg", TMPL_TEXT, NULL},
	{"caption", TMPL_TEXT, NULL},
	{"credit", TMPL_TEXT, NULL},
	{"has_related", TMPL_BOOL, NULL},
	{"related", TMPL_LIST, story_fields},
	{"translation", TMPL_BOOL, NULL},
	{"translation_href", TMPL_TEXT, NULL},
	{"translation_headline", TMPL_TEXT, NULL},
	{"has_corrections", TMPL_BOOL, NULL},
	{"corrections", TMPL_LIST, art_correction_fields},
	{"comments", TMPL_LIST, comment_fields},
	{"has_comments", TMPL_BOOL, NULL},
	{"comment_count", TMPL_TEXT, NULL},
	{"comments_open", TMPL_BOOL, NULL},
	{"article_id", TMPL_TEXT, NULL},
	{"comment_token", TMPL_TEXT, NULL},
	{"replying", TMPL_BOOL, NULL},
	{"reply_to", TMPL_TEXT, NULL},
	{"reply_name", TMPL_TEXT, NULL},
	{"self_href", TMPL_TEXT, NULL},
	{"c_name", TMPL_TEXT, NULL},
	{"c_email", TMPL_TEXT, NULL},
	{"c_body", TMPL_TEXT, NULL},
	{"comment_error", TMPL_TEXT, NULL},
	{"comment_notice", TMPL_TEXT, NULL},
	{NULL, 0, NULL}};

static const struct tmpl_field list_fields[] = {
	FRAME_FIELDS
	{"kind", TMPL_TEXT, NULL},
	{"heading", TMPL_TEXT, NULL},
	{"intro", TMPL_TEXT, NULL},
	{"stories", TMPL_LIST, story_fields},
	{"pagination", TMPL_BOOL, NULL},
	{"has_prev", TMPL_BOOL, NULL},
	{"prev_href", TMPL_TEXT, NULL},
	{"has_next", TMPL_BOOL, NULL},
	{"next_href", TMPL_TEXT, NULL},
	{"page_label", TMPL_TEXT, NULL},
	{NULL, 0, NULL}};

static const struct tmpl_field result_fields[] = {
	{"headline", TMPL_TEXT, NULL},     {"href", TMPL_TEXT, NULL}, {"section_name", TMPL_TEXT, NULL},
	{"section_href", TMPL_TEXT, NULL}, {"snippet", TMPL_HTML, NULL}, {"stamp", TMPL_TEXT, NULL},
	{"iso", TMPL_TEXT, NULL},          {NULL, 0, NULL}};

static const struct tmpl_field search_section_fields[] = {
	{"slug", TMPL_TEXT, NULL}, {"name", TMPL_TEXT, NULL}, {"selected", TMPL_BOOL, NULL}, {NULL, 0, NULL}};

static const struct tmpl_field search_fields[] = {
	FRAME_FIELDS
	{"heading", TMPL_TEXT, NULL},
	{"summary", TMPL_TEXT, NULL},
	{"has_summary", TMPL_BOOL, NULL},
	{"results", TMPL_LIST, result_fields},
	{"no_results", TMPL_BOOL, NULL},
	{"empty_query", TMPL_BOOL, NULL},
	{"pagination", TMPL_BOOL, NULL},
	{"has_prev", TMPL_BOOL, NULL},
	{"prev_href", TMPL_TEXT, NULL},
	{"has_next", TMPL_BOOL, NULL},
	{"next_href", TMPL_TEXT, NULL},
	{"page_label", TMPL_TEXT, NULL},
	{"sections_opts", TMPL_LIST, search_section_fields},
	{"from", TMPL_TEXT, NULL},
	{"to", TMPL_TEXT, NULL},
	{"recent_only", TMPL_BOOL, NULL},
	{"recent_note", TMPL_TEXT, NULL},
	{"archive_href", TMPL_TEXT, NULL},
	{"archive", TMPL_BOOL, NULL},
	{NULL, 0, NULL}};

/* the newsletters' pages (page_subscribe.c, issue 22): a message, the sign-up form, a one-button form, or
 * the preferences (lists per edition, unsubscribe, the data download and delete) */
static const struct tmpl_field nl_list_fields[] = {
	{"value", TMPL_TEXT, NULL}, {"label", TMPL_TEXT, NULL}, {"checked", TMPL_BOOL, NULL}, {NULL, 0, NULL}};
static const struct tmpl_field nl_edition_fields[] = {
	{"name", TMPL_TEXT, NULL}, {"lists", TMPL_LIST, nl_list_fields}, {NULL, 0, NULL}};
static const struct tmpl_field newsletter_fields[] = {
	FRAME_FIELDS {"heading", TMPL_TEXT, NULL}, {"message", TMPL_TEXT, NULL}, {"error", TMPL_TEXT, NULL},
	{"signup", TMPL_BOOL, NULL}, {"form_token", TMPL_TEXT, NULL}, {"email", TMPL_TEXT, NULL},
	{"lists", TMPL_LIST, nl_list_fields}, {"button", TMPL_TEXT, NULL}, {"action", TMPL_TEXT, NULL},
	{"prefs", TMPL_BOOL, NULL}, {"editions", TMPL_LIST, nl_edition_fields}, {"save_label", TMPL_TEXT, NULL},
	{"unsub_label", TMPL_TEXT, NULL}, {"data_heading", TMPL_TEXT, NULL}, {"data_href", TMPL_TEXT, NULL},
	{"data_label", TMPL_TEXT, NULL}, {"delete_label", TMPL_TEXT, NULL}, {"has_links", TMPL_BOOL, NULL},
	{"link_href", TMPL_TEXT, NULL}, {"link_label", TMPL_TEXT, NULL}, {"tracking_note", TMPL_TEXT, NULL},
	{NULL, 0, NULL}};

static const struct tmpl_field error_fields[] = {
	FRAME_FIELDS {"status", TMPL_TEXT, NULL}, {"heading", TMPL_TEXT, NULL}, {"message", TMPL_TEXT, NULL},
	{NULL, 0, NULL}};

#define ADMIN_FIELDS                                                                                          \
	{"lang", TMPL_TEXT, NULL}, {"dir", TMPL_TEXT, NULL}, {"title", TMPL_TEXT, NULL}, {"css_href", TMPL_TEXT, NULL}, {"icon_href", TMPL_TEXT, NULL},            \
		{"logged_in", TMPL_BOOL, NULL}, {"user_login", TMPL_TEXT, NULL}, {"user_role", TMPL_TEXT, NULL}, \
		{"is_admin", TMPL_BOOL, NULL}, {"can_write", TMPL_BOOL, NULL}, {"can_moderate", TMPL_BOOL, NULL}, {"csrf", TMPL_TEXT, NULL}, {"notice", TMPL_TEXT, NULL},        \
		{"may_publish", TMPL_BOOL, NULL},                                                             \
		{"error", TMPL_TEXT, NULL},

/* the newsroom's breaking-news page (page_breaking.c): per edition, the banner up and the form to raise one */
static const struct tmpl_field breaking_edition_fields[] = {
	{"code", TMPL_TEXT, NULL},	   {"name", TMPL_TEXT, NULL},	     {"dir", TMPL_TEXT, NULL},
	{"up", TMPL_BOOL, NULL},	   {"text", TMPL_TEXT, NULL},	     {"has_link", TMPL_BOOL, NULL},
	{"link_href", TMPL_TEXT, NULL},	   {"link_label", TMPL_TEXT, NULL},  {"until", TMPL_TEXT, NULL},
	{"iso", TMPL_TEXT, NULL},	   {"f_text", TMPL_TEXT, NULL},	     {"f_article", TMPL_TEXT, NULL},
	{"f_url", TMPL_TEXT, NULL},	   {"f_minutes", TMPL_TEXT, NULL},   {"bad_text", TMPL_BOOL, NULL},
	{"bad_article", TMPL_BOOL, NULL},  {"bad_url", TMPL_BOOL, NULL},     {"bad_minutes", TMPL_BOOL, NULL},
	{"field_error", TMPL_TEXT, NULL},  {"banner_id", TMPL_TEXT, NULL}, {NULL, 0, NULL}};
static const struct tmpl_field breaking_desk_fields[] = {
	ADMIN_FIELDS{"editions", TMPL_LIST, breaking_edition_fields},
	{"max_minutes", TMPL_TEXT, NULL}, {NULL, 0, NULL}};

static const struct tmpl_field login_fields[] = {
	ADMIN_FIELDS {"login_token", TMPL_TEXT, NULL}, {"next", TMPL_TEXT, NULL}, {"login", TMPL_TEXT, NULL},
	{"oidc_label", TMPL_TEXT, NULL}, /* the identity provider's button ("": none; page_oidc.c) */
	{NULL, 0, NULL}};

static const struct tmpl_field dash_item_fields[] = {
	{"edit_href", TMPL_TEXT, NULL}, {"headline", TMPL_TEXT, NULL}, {"edition", TMPL_TEXT, NULL},
	{"section", TMPL_TEXT, NULL},   {"when", TMPL_TEXT, NULL},     {"owner", TMPL_TEXT, NULL},
	{"has_views", TMPL_BOOL, NULL}, {"views", TMPL_TEXT, NULL},    {NULL, 0, NULL}};
/* the newsroom's views-per-hour chart: inline SVG drawn from numbers computed in page_admin.c */
static const struct tmpl_field chart_bar_fields[] = {
	{"x", TMPL_TEXT, NULL}, {"y", TMPL_TEXT, NULL}, {"w", TMPL_TEXT, NULL}, {"h", TMPL_TEXT, NULL},
	{"label", TMPL_TEXT, NULL}, {NULL, 0, NULL}};
static const struct tmpl_field chart_tick_fields[] = {
	{"x", TMPL_TEXT, NULL}, {"y", TMPL_TEXT, NULL}, {"anchor", TMPL_TEXT, NULL}, {"text", TMPL_TEXT, NULL},
	{NULL, 0, NULL}};
static const struct tmpl_field chart_row_fields[] = {
	{"hour", TMPL_TEXT, NULL}, {"iso", TMPL_TEXT, NULL}, {"views", TMPL_TEXT, NULL}, {NULL, 0, NULL}};
static const struct tmpl_field dash_group_fields[] = {
	{"status", TMPL_TEXT, NULL},     {"label", TMPL_TEXT, NULL},
	{"count", TMPL_TEXT, NULL},      {"has_items", TMPL_BOOL, NULL},
	{"items", TMPL_LIST, dash_item_fields}, {NULL, 0, NULL}};
static const struct tmpl_field dashboard_fields[] = {ADMIN_FIELDS{"groups", TMPL_LIST, dash_group_fields},
						     {"chart_w", TMPL_TEXT, NULL},
						     {"chart_h", TMPL_TEXT, NULL},
						     {"chart_title", TMPL_TEXT, NULL},
						     {"chart_summary", TMPL_TEXT, NULL},
						     {"chart_base", TMPL_TEXT, NULL},
						     {"chart_left", TMPL_TEXT, NULL},
						     {"chart_right", TMPL_TEXT, NULL},
						     {"chart_top", TMPL_TEXT, NULL},
						     {"bars", TMPL_LIST, chart_bar_fields},
						     {"ticks", TMPL_LIST, chart_tick_fields},
						     {"hours", TMPL_LIST, chart_row_fields},
						     {NULL, 0, NULL}};

static const struct tmpl_field password_fields[] = {ADMIN_FIELDS{NULL, 0, NULL}};
static const struct tmpl_field language_fields[] = {
	ADMIN_FIELDS{"choice_browser", TMPL_BOOL, NULL}, {"choice_en", TMPL_BOOL, NULL}, {"choice_ar", TMPL_BOOL, NULL},
	{"site_ar", TMPL_BOOL, NULL}, {NULL, 0, NULL}};

/* an error page at a newsroom address (page_error): the newsroom's frame, in its language */
static const struct tmpl_field admin_error_fields[] = {
	ADMIN_FIELDS{"status", TMPL_TEXT, NULL}, {"heading", TMPL_TEXT, NULL}, {"message", TMPL_TEXT, NULL}, {NULL, 0, NULL}};
/* the account page and two-factor log-in (issue 20) */
static const struct tmpl_field account_fields[] = {
	ADMIN_FIELDS{"login", TMPL_TEXT, NULL}, {"display_name", TMPL_TEXT, NULL}, {"role", TMPL_TEXT, NULL},
	{"totp_on", TMPL_BOOL, NULL}, {"required", TMPL_BOOL, NULL}, {"codes_left", TMPL_TEXT, NULL}, {NULL, 0, NULL}};
static const struct tmpl_field mfa_enrol_fields[] = {
	ADMIN_FIELDS{"action", TMPL_TEXT, NULL}, {"in_login", TMPL_BOOL, NULL}, {"form_token", TMPL_TEXT, NULL},
	{"cancel_href", TMPL_TEXT, NULL}, {"qr", TMPL_HTML, NULL}, {"secret", TMPL_TEXT, NULL}, {"uri", TMPL_TEXT, NULL},
	{NULL, 0, NULL}};
static const struct tmpl_field recovery_code_fields[] = {{"code", TMPL_TEXT, NULL}, {NULL, 0, NULL}};
static const struct tmpl_field mfa_recovery_fields[] = {
	ADMIN_FIELDS{"codes", TMPL_LIST, recovery_code_fields}, {"continue_href", TMPL_TEXT, NULL}, {NULL, 0, NULL}};
static const struct tmpl_field second_factor_fields[] = {
	ADMIN_FIELDS{"expired", TMPL_BOOL, NULL}, {"intro", TMPL_TEXT, NULL}, {"form_token", TMPL_TEXT, NULL},
	{"passkeys", TMPL_BOOL, NULL}, {"passkey_options", TMPL_TEXT, NULL}, {NULL, 0, NULL}};

static const struct tmpl_field admin_hit_fields[] = {
	{"edit_href", TMPL_TEXT, NULL}, {"headline", TMPL_TEXT, NULL}, {"status", TMPL_TEXT, NULL},
	{"edition", TMPL_TEXT, NULL},   {"section", TMPL_TEXT, NULL},  {"when", TMPL_TEXT, NULL},
	{"owner", TMPL_TEXT, NULL},     {"snippet", TMPL_HTML, NULL},  {NULL, 0, NULL}};
static const struct tmpl_field admin_search_fields[] = {
	ADMIN_FIELDS{"q", TMPL_TEXT, NULL},
	{"summary", TMPL_TEXT, NULL},
	{"has_summary", TMPL_BOOL, NULL},
	{"results", TMPL_LIST, admin_hit_fields},
	{"no_results", TMPL_BOOL, NULL},
	{"empty_query", TMPL_BOOL, NULL},
	{"own_only", TMPL_BOOL, NULL},
	{NULL, 0, NULL}};

static const struct tmpl_field user_row_fields[] = {
	{"id", TMPL_TEXT, NULL},   {"login", TMPL_TEXT, NULL},     {"display_name", TMPL_TEXT, NULL},
	{"role", TMPL_TEXT, NULL}, {"disabled", TMPL_BOOL, NULL}, {"email", TMPL_TEXT, NULL}, {NULL, 0, NULL}};
static const struct tmpl_field option_fields[] = {
	{"value", TMPL_TEXT, NULL}, {"label", TMPL_TEXT, NULL}, {"selected", TMPL_BOOL, NULL}, {NULL, 0, NULL}};
static const struct tmpl_field users_fields[] = {
	ADMIN_FIELDS{"users", TMPL_LIST, user_row_fields},
	{"new_login", TMPL_TEXT, NULL},
	{"new_name", TMPL_TEXT, NULL},
	{"roles", TMPL_LIST, option_fields},
	{NULL, 0, NULL}};

static const struct tmpl_field session_row_fields[] = {
	{"id", TMPL_TEXT, NULL},      {"device", TMPL_TEXT, NULL},  {"agent", TMPL_TEXT, NULL},
	{"address", TMPL_TEXT, NULL}, {"started", TMPL_TEXT, NULL}, {"started_iso", TMPL_TEXT, NULL},
	{"seen", TMPL_TEXT, NULL},    {"seen_iso", TMPL_TEXT, NULL}, {"method", TMPL_TEXT, NULL},
	{"current", TMPL_BOOL, NULL}, {NULL, 0, NULL}};
static const struct tmpl_field sessions_fields[] = {
	ADMIN_FIELDS{"sessions", TMPL_LIST, session_row_fields}, {"has_others", TMPL_BOOL, NULL}, {NULL, 0, NULL}};

static const struct tmpl_field setting_fields[] = {
	{"id", TMPL_TEXT, NULL},    {"key", TMPL_TEXT, NULL}, {"label", TMPL_TEXT, NULL},
	{"value", TMPL_TEXT, NULL}, {"dir", TMPL_TEXT, NULL}, {"textarea", TMPL_BOOL, NULL}, {NULL, 0, NULL}};
static const struct tmpl_field settings_fields[] = {ADMIN_FIELDS{"fields", TMPL_LIST, setting_fields},
						    {NULL, 0, NULL}};

static const struct tmpl_field revision_fields[] = {
	{"version", TMPL_TEXT, NULL}, {"who", TMPL_TEXT, NULL},     {"when", TMPL_TEXT, NULL},
	{"headline", TMPL_TEXT, NULL}, {"current", TMPL_BOOL, NULL}, {"is_a", TMPL_BOOL, NULL},
	{"is_b", TMPL_BOOL, NULL},     {NULL, 0, NULL}};
static const struct tmpl_field event_fields[] = {
	{"action", TMPL_TEXT, NULL}, {"who", TMPL_TEXT, NULL}, {"when", TMPL_TEXT, NULL}, {NULL, 0, NULL}};
static const struct tmpl_field diff_fields[] = {
	{"kind", TMPL_TEXT, NULL}, {"mark", TMPL_TEXT, NULL}, {"text", TMPL_TEXT, NULL}, {"changed", TMPL_BOOL, NULL},
	{NULL, 0, NULL}};
static const struct tmpl_field history_fields[] = {
	ADMIN_FIELDS{"id", TMPL_TEXT, NULL},
	{"headline", TMPL_TEXT, NULL},
	{"revisions", TMPL_LIST, revision_fields},
	{"events", TMPL_LIST, event_fields},
	{"has_diff", TMPL_BOOL, NULL},
	{"diff_a", TMPL_TEXT, NULL},
	{"diff_b", TMPL_TEXT, NULL},
	{"diff", TMPL_LIST, diff_fields},
	{"diff_too_big", TMPL_BOOL, NULL},
	{"can_restore", TMPL_BOOL, NULL},
	{NULL, 0, NULL}};

static const struct tmpl_field correction_fields[] = {
	{"when", TMPL_TEXT, NULL}, {"iso", TMPL_TEXT, NULL}, {"body", TMPL_TEXT, NULL}, {NULL, 0, NULL}};
static const struct tmpl_field action_fields[] = {
	{"value", TMPL_TEXT, NULL}, {"label", TMPL_TEXT, NULL}, {NULL, 0, NULL}};
/* the lead image's options also carry each image's address, alt text, caption and credit for the
 * writing desk's chooser (which prefills a block's caption and credit with them) */
static const struct tmpl_field media_option_fields[] = {
	{"value", TMPL_TEXT, NULL},   {"label", TMPL_TEXT, NULL},  {"selected", TMPL_BOOL, NULL}, {"src", TMPL_TEXT, NULL},
	{"alt", TMPL_TEXT, NULL},     {"caption", TMPL_TEXT, NULL}, {"credit", TMPL_TEXT, NULL},  {NULL, 0, NULL}};
/* the translation desk's parts of the editor (templates/translation_pane.html, translation_editor_view) */
static const struct tmpl_field para_fields[] = {{"text", TMPL_TEXT, NULL}, {NULL, 0, NULL}};
static const struct tmpl_field source_diff_fields[] = {
	{"kind", TMPL_TEXT, NULL}, {"mark", TMPL_TEXT, NULL}, {"text", TMPL_TEXT, NULL}, {NULL, 0, NULL}};
#define TRANSLATION_PANE_FIELDS                                                                               \
	{"can_translate", TMPL_BOOL, NULL}, {"has_source", TMPL_BOOL, NULL}, {"source_id", TMPL_TEXT, NULL},  \
		{"source_lang", TMPL_TEXT, NULL}, {"source_dir", TMPL_TEXT, NULL},                            \
		{"source_headline", TMPL_TEXT, NULL}, {"source_standfirst", TMPL_TEXT, NULL},                 \
		{"source_status", TMPL_TEXT, NULL}, {"source_paras", TMPL_LIST, para_fields},                \
		{"source_behind", TMPL_BOOL, NULL}, {"source_then", TMPL_TEXT, NULL},                         \
		{"source_now", TMPL_TEXT, NULL}, {"source_diff", TMPL_LIST, source_diff_fields},              \
		{"source_diff_too_big", TMPL_BOOL, NULL}, {"has_correction_flag", TMPL_BOOL, NULL},           \
		{"flag_id", TMPL_TEXT, NULL}, {"flag_headline", TMPL_TEXT, NULL}, {"flag_lang", TMPL_TEXT, NULL}, \
		{"flag_dir", TMPL_TEXT, NULL}, {"flag_when", TMPL_TEXT, NULL}, {"flag_iso", TMPL_TEXT, NULL},
/* the translation board (templates/translations.html): an article of a row, and a pair of them */
static const struct tmpl_field board_article_fields[] = {
	{"id", TMPL_TEXT, NULL},     {"headline", TMPL_TEXT, NULL},     {"lang", TMPL_TEXT, NULL}, {"dir", TMPL_TEXT, NULL},
	{"status", TMPL_TEXT, NULL}, {"edition_name", TMPL_TEXT, NULL}, {NULL, 0, NULL}};
static const struct tmpl_field board_pair_fields[] = {{"a", TMPL_LIST, board_article_fields},
						      {"b", TMPL_LIST, board_article_fields},
						      {"when", TMPL_TEXT, NULL},
						      {"iso", TMPL_TEXT, NULL},
						      {NULL, 0, NULL}};
/* the live desk (page_live.c, issue 21): the blog's state, the entry form, the entries; one entry's
 * edit form; the translation board's block of draft live entries (templates/live_drafts.html) */
static const struct tmpl_field live_entry_row_fields[] = {
	{"entry_id", TMPL_TEXT, NULL},	{"iso", TMPL_TEXT, NULL},	  {"when", TMPL_TEXT, NULL},
	{"byline", TMPL_TEXT, NULL},	{"state_label", TMPL_TEXT, NULL}, {"pinned", TMPL_BOOL, NULL},
	{"key_event", TMPL_TEXT, NULL}, {"withdrawn", TMPL_BOOL, NULL},	  {"html", TMPL_HTML, NULL},
	{"note", TMPL_TEXT, NULL},	{"draft", TMPL_BOOL, NULL},	  {"published", TMPL_BOOL, NULL},
	{NULL, 0, NULL}};
#define LIVE_FORM_FIELDS                                                                                      \
	{"id", TMPL_TEXT, NULL}, {"headline", TMPL_TEXT, NULL}, {"art_lang", TMPL_TEXT, NULL},                 \
		{"art_dir", TMPL_TEXT, NULL}, {"body", TMPL_TEXT, NULL}, {"key_event", TMPL_TEXT, NULL},       \
		{"invalid_body", TMPL_BOOL, NULL}, {"invalid_key_event", TMPL_BOOL, NULL},                     \
		{"field_error", TMPL_TEXT, NULL}, {"media", TMPL_LIST, media_option_fields},
static const struct tmpl_field live_desk_fields[] = {
	ADMIN_FIELDS LIVE_FORM_FIELDS{"public_href", TMPL_TEXT, NULL},
	{"has_blog", TMPL_BOOL, NULL},
	{"is_live", TMPL_BOOL, NULL},
	{"ended", TMPL_BOOL, NULL},
	{"started_iso", TMPL_TEXT, NULL},
	{"started_when", TMPL_TEXT, NULL},
	{"ended_iso", TMPL_TEXT, NULL},
	{"ended_when", TMPL_TEXT, NULL},
	{"count", TMPL_TEXT, NULL},
	{"can_publish", TMPL_BOOL, NULL},
	{"show_form", TMPL_BOOL, NULL},
	{"has_entries", TMPL_BOOL, NULL},
	{"entries", TMPL_LIST, live_entry_row_fields},
	{NULL, 0, NULL}};
static const struct tmpl_field live_entry_fields[] = {
	ADMIN_FIELDS LIVE_FORM_FIELDS{"entry_id", TMPL_TEXT, NULL},
	{"draft", TMPL_BOOL, NULL},
	{"version", TMPL_TEXT, NULL},
	{"state_label", TMPL_TEXT, NULL},
	{"note", TMPL_TEXT, NULL},
	{"invalid_note", TMPL_BOOL, NULL},
	{"stale", TMPL_BOOL, NULL},
	{"current_html", TMPL_HTML, NULL},
	{"current_md", TMPL_TEXT, NULL},
	{"current_key_event", TMPL_TEXT, NULL},
	{"current_note", TMPL_TEXT, NULL},
	{"has_source", TMPL_BOOL, NULL},
	{"source_lang", TMPL_TEXT, NULL},
	{"source_dir", TMPL_TEXT, NULL},
	{"source_html", TMPL_HTML, NULL},
	{NULL, 0, NULL}};
static const struct tmpl_field live_draft_fields[] = {
	{"entry_id", TMPL_TEXT, NULL}, {"lang", TMPL_TEXT, NULL}, {"dir", TMPL_TEXT, NULL},   {"headline", TMPL_TEXT, NULL},
	{"edition_name", TMPL_TEXT, NULL}, {"iso", TMPL_TEXT, NULL}, {"when", TMPL_TEXT, NULL}, {NULL, 0, NULL}};
#define LIVE_DRAFTS_FIELDS {"has_live_drafts", TMPL_BOOL, NULL}, {"live_drafts", TMPL_LIST, live_draft_fields},
static const struct tmpl_field translations_fields[] = {ADMIN_FIELDS{"missing", TMPL_LIST, board_article_fields},
							{"has_missing", TMPL_BOOL, NULL},
							{"has_behind", TMPL_BOOL, NULL},
							{"has_flags", TMPL_BOOL, NULL},
							{"behind", TMPL_LIST, board_pair_fields},
							{"flags", TMPL_LIST, board_pair_fields},
							{"has_existing", TMPL_BOOL, NULL},
							{"existing_id", TMPL_TEXT, NULL},
							{"existing_headline", TMPL_TEXT, NULL},
							{"existing_lang", TMPL_TEXT, NULL},
							{"existing_dir", TMPL_TEXT, NULL},
							LIVE_DRAFTS_FIELDS
							{NULL, 0, NULL}};
/* the glossary page (page_glossary.c) and its panel in the editor (templates/glossary_panel.html) */
static const struct tmpl_field glossary_variant_fields[] = {{"text", TMPL_TEXT, NULL}, {NULL, 0, NULL}};
static const struct tmpl_field glossary_entry_fields[] = {
	{"id", TMPL_TEXT, NULL},	 {"name_en", TMPL_TEXT, NULL}, {"name_ar", TMPL_TEXT, NULL},
	{"kind_label", TMPL_TEXT, NULL}, {"note", TMPL_TEXT, NULL},    {"variants", TMPL_LIST, glossary_variant_fields},
	{NULL, 0, NULL}};
static const struct tmpl_field glossary_option_fields[] = {
	{"value", TMPL_TEXT, NULL}, {"label", TMPL_TEXT, NULL}, {"selected", TMPL_BOOL, NULL}, {NULL, 0, NULL}};
static const struct tmpl_field glossary_fields[] = {
	ADMIN_FIELDS{"q", TMPL_TEXT, NULL},
	{"searched", TMPL_BOOL, NULL},
	{"has_entries", TMPL_BOOL, NULL},
	{"entries", TMPL_LIST, glossary_entry_fields},
	{"can_edit", TMPL_BOOL, NULL},
	{"editing", TMPL_BOOL, NULL},
	{"form_id", TMPL_TEXT, NULL},
	{"kinds", TMPL_LIST, glossary_option_fields},
	{"name_en", TMPL_TEXT, NULL},
	{"name_ar", TMPL_TEXT, NULL},
	{"variants", TMPL_TEXT, NULL},
	{"note", TMPL_TEXT, NULL},
	{"field_error", TMPL_TEXT, NULL},
	{"invalid_kind", TMPL_BOOL, NULL},
	{"invalid_name_en", TMPL_BOOL, NULL},
	{"invalid_name_ar", TMPL_BOOL, NULL},
	{"invalid_variants", TMPL_BOOL, NULL},
	{"invalid_note", TMPL_BOOL, NULL},
	{NULL, 0, NULL}};
static const struct tmpl_field glossary_miss_fields[] = {{"sentence", TMPL_HTML, NULL}, {NULL, 0, NULL}};
#define GLOSSARY_PANEL_FIELDS                                                                                 \
	{"gl_show", TMPL_BOOL, NULL}, {"gl_warn", TMPL_BOOL, NULL}, {"gl_misses", TMPL_LIST, glossary_miss_fields}, \
		{"gl_entries", TMPL_LIST, glossary_entry_fields},

static const struct tmpl_field editor_fields[] = {
	ADMIN_FIELDS TRANSLATION_PANE_FIELDS GLOSSARY_PANEL_FIELDS{"id", TMPL_TEXT, NULL},
	{"wire_notice", TMPL_TEXT, NULL}, /* templates/wire_notice.html (page_wires.c) */
	{"wire_href", TMPL_TEXT, NULL},
	{"autosave_action", TMPL_TEXT, NULL},
	{"has_autosave", TMPL_BOOL, NULL},
	{"autosave_when", TMPL_TEXT, NULL},
	{"autosave_iso", TMPL_TEXT, NULL},
	{"autosave_stale", TMPL_BOOL, NULL},
	{"restore_href", TMPL_TEXT, NULL},
	{"is_new", TMPL_BOOL, NULL},
	{"action", TMPL_TEXT, NULL},
	{"version", TMPL_TEXT, NULL},
	{"status", TMPL_TEXT, NULL},
	{"headline", TMPL_TEXT, NULL},
	{"standfirst", TMPL_TEXT, NULL},
	{"body", TMPL_TEXT, NULL},
	{"slug", TMPL_TEXT, NULL},
	{"dateline", TMPL_TEXT, NULL},
	{"tags", TMPL_TEXT, NULL},
	{"bylines", TMPL_TEXT, NULL},
	{"caption", TMPL_TEXT, NULL},
	{"credit", TMPL_TEXT, NULL},
	{"translation_id", TMPL_TEXT, NULL},
	{"translation_headline", TMPL_TEXT, NULL},
	{"translation_status", TMPL_TEXT, NULL},
	{"related", TMPL_TEXT, NULL},
	{"schedule_at", TMPL_TEXT, NULL},
	{"expires_at", TMPL_TEXT, NULL},
	{"editions", TMPL_LIST, option_fields},
	{"sections", TMPL_LIST, option_fields},
	{"media", TMPL_LIST, media_option_fields},
	{"actions", TMPL_LIST, action_fields},
	{"can_publish", TMPL_BOOL, NULL},
	{"is_published", TMPL_BOOL, NULL},
	{"was_published", TMPL_BOOL, NULL},
	{"comment_modes", TMPL_LIST, option_fields},
	{"comments_closed", TMPL_BOOL, NULL},
	{"substantive", TMPL_BOOL, NULL},
	{"invalid_section", TMPL_BOOL, NULL},
	{"invalid_media", TMPL_BOOL, NULL},
	{"invalid_body", TMPL_BOOL, NULL},
	{"invalid_translation", TMPL_BOOL, NULL},
	{"invalid_related", TMPL_BOOL, NULL},
	{"invalid_at", TMPL_BOOL, NULL},
	{"invalid_expires", TMPL_BOOL, NULL},
	{"field_error", TMPL_TEXT, NULL},
	{"public_href", TMPL_TEXT, NULL},
	{"has_preview", TMPL_BOOL, NULL},
	{"preview", TMPL_HTML, NULL},
	{"corrections", TMPL_LIST, correction_fields},
	{"correction", TMPL_TEXT, NULL},
	{NULL, 0, NULL}};

static const struct tmpl_field media_item_fields[] = {
	{"id", TMPL_TEXT, NULL}, {"thumb", TMPL_TEXT, NULL}, {"alt", TMPL_TEXT, NULL}, {"w", TMPL_TEXT, NULL},
	{"h", TMPL_TEXT, NULL},  {"mime", TMPL_TEXT, NULL},  {"fx", TMPL_TEXT, NULL},  {"fy", TMPL_TEXT, NULL},
	{"has_focal_error", TMPL_BOOL, NULL}, {"focal_error", TMPL_TEXT, NULL}, {"has_crops", TMPL_BOOL, NULL},
	{"social", TMPL_TEXT, NULL}, {"caption", TMPL_TEXT, NULL}, {"credit", TMPL_TEXT, NULL},
	{"copyright", TMPL_TEXT, NULL}, {"keywords", TMPL_TEXT, NULL}, {NULL, 0, NULL}};
static const struct tmpl_field media_fields[] = {
	ADMIN_FIELDS{"alt", TMPL_TEXT, NULL},
	{"max_mb", TMPL_TEXT, NULL},
	{"max_bytes", TMPL_TEXT, NULL},
	{"count", TMPL_TEXT, NULL},
	{"has_items", TMPL_BOOL, NULL},
	{"items", TMPL_LIST, media_item_fields},
	{NULL, 0, NULL}};

static const struct tmpl_field tab_fields[] = {
	{"status", TMPL_TEXT, NULL}, {"label", TMPL_TEXT, NULL}, {"count", TMPL_TEXT, NULL}, {"current", TMPL_BOOL, NULL},
	{NULL, 0, NULL}};
static const struct tmpl_field queue_item_fields[] = {
	{"id", TMPL_TEXT, NULL},	{"name", TMPL_TEXT, NULL},	   {"body", TMPL_HTML, NULL},
	{"when", TMPL_TEXT, NULL},	{"headline", TMPL_TEXT, NULL},	   {"article_href", TMPL_TEXT, NULL},
	{"is_reply", TMPL_BOOL, NULL},	{"edited", TMPL_BOOL, NULL},	   {"edited_by", TMPL_TEXT, NULL},
	{"has_ip", TMPL_BOOL, NULL},	{"has_email", TMPL_BOOL, NULL},	   {NULL, 0, NULL}};
static const struct tmpl_field comments_fields[] = {
	ADMIN_FIELDS{"tabs", TMPL_LIST, tab_fields},
	{"status", TMPL_TEXT, NULL},
	{"q", TMPL_TEXT, NULL},
	{"article", TMPL_TEXT, NULL},
	{"items", TMPL_LIST, queue_item_fields},
	{"has_items", TMPL_BOOL, NULL},
	{"has_next", TMPL_BOOL, NULL},
	{"has_prev", TMPL_BOOL, NULL},
	{"next_href", TMPL_TEXT, NULL},
	{"prev_href", TMPL_TEXT, NULL},
	{NULL, 0, NULL}};
static const struct tmpl_field comment_edit_fields[] = {
	ADMIN_FIELDS{"id", TMPL_TEXT, NULL}, {"name", TMPL_TEXT, NULL}, {"body", TMPL_TEXT, NULL},
	{"status", TMPL_TEXT, NULL},	     {"when", TMPL_TEXT, NULL}, {NULL, 0, NULL}};
static const struct tmpl_field log_entry_fields[] = {
	{"when", TMPL_TEXT, NULL}, {"who", TMPL_TEXT, NULL},  {"action", TMPL_TEXT, NULL},
	{"comment", TMPL_TEXT, NULL}, {"name", TMPL_TEXT, NULL}, {NULL, 0, NULL}};
static const struct tmpl_field comment_log_fields[] = {
	ADMIN_FIELDS{"entries", TMPL_LIST, log_entry_fields}, {"has_entries", TMPL_BOOL, NULL}, {NULL, 0, NULL}};

static const struct tmpl_field key_fields[] = {
	{"id", TMPL_TEXT, NULL},      {"name", TMPL_TEXT, NULL},  {"prefix", TMPL_TEXT, NULL}, {"scopes", TMPL_TEXT, NULL},
	{"owner", TMPL_TEXT, NULL},   {"expires", TMPL_TEXT, NULL}, {"state", TMPL_TEXT, NULL}, {"active", TMPL_BOOL, NULL},
	{NULL, 0, NULL}};
static const struct tmpl_field scope_fields[] = {
	{"value", TMPL_TEXT, NULL}, {"checked", TMPL_BOOL, NULL}, {NULL, 0, NULL}};
static const struct tmpl_field api_keys_fields[] = {
	ADMIN_FIELDS{"has_token", TMPL_BOOL, NULL},
	{"token", TMPL_TEXT, NULL},
	{"keys", TMPL_LIST, key_fields},
	{"has_keys", TMPL_BOOL, NULL},
	{"name", TMPL_TEXT, NULL},
	{"days", TMPL_TEXT, NULL},
	{"scopes", TMPL_LIST, scope_fields},
	{NULL, 0, NULL}};
static const struct tmpl_field hook_row_fields[] = {
	{"id", TMPL_TEXT, NULL},     {"url", TMPL_TEXT, NULL},	 {"events", TMPL_TEXT, NULL}, {"secret", TMPL_TEXT, NULL},
	{"active", TMPL_BOOL, NULL}, {"queue", TMPL_TEXT, NULL}, {NULL, 0, NULL}};
static const struct tmpl_field hook_event_fields[] = {
	{"value", TMPL_TEXT, NULL}, {"checked", TMPL_BOOL, NULL}, {NULL, 0, NULL}};
static const struct tmpl_field push_alert_fields[] = {
	{"id", TMPL_TEXT, NULL},      {"edition", TMPL_TEXT, NULL}, {"title", TMPL_TEXT, NULL},  {"url", TMPL_TEXT, NULL},
	{"source", TMPL_TEXT, NULL},  {"when", TMPL_TEXT, NULL},    {"iso", TMPL_TEXT, NULL},    {"queued", TMPL_TEXT, NULL},
	{"sent", TMPL_TEXT, NULL},    {"failed", TMPL_TEXT, NULL},  {"removed", TMPL_TEXT, NULL}, {"pending", TMPL_TEXT, NULL},
	{NULL, 0, NULL}};
static const struct tmpl_field push_fields[] = {
	ADMIN_FIELDS{"edition_en", TMPL_BOOL, NULL}, {"edition_ar", TMPL_BOOL, NULL}, {"title", TMPL_TEXT, NULL},
	{"body", TMPL_TEXT, NULL}, {"url", TMPL_TEXT, NULL}, {"source", TMPL_TEXT, NULL}, {"subs_en", TMPL_TEXT, NULL},
	{"subs_ar", TMPL_TEXT, NULL}, {"has_alerts", TMPL_BOOL, NULL}, {"alerts", TMPL_LIST, push_alert_fields},
	{NULL, 0, NULL}};
static const struct tmpl_field nl_issue_fields[] = {
	{"id", TMPL_TEXT, NULL},	 {"subject", TMPL_TEXT, NULL}, {"list", TMPL_TEXT, NULL},
	{"state", TMPL_TEXT, NULL},	 {"state_code", TMPL_TEXT, NULL}, {"when", TMPL_TEXT, NULL},
	{"queued", TMPL_TEXT, NULL},	 {"sent", TMPL_TEXT, NULL},    {"failed", TMPL_TEXT, NULL},
	{"bounced", TMPL_TEXT, NULL},	 {"unsubscribed", TMPL_TEXT, NULL}, {"opened", TMPL_TEXT, NULL},
	{"clicked", TMPL_TEXT, NULL},	 {NULL, 0, NULL}};
static const struct tmpl_field nl_desk_edition_fields[] = {
	{"code", TMPL_TEXT, NULL},	  {"name", TMPL_TEXT, NULL}, {"has_issues", TMPL_BOOL, NULL},
	{"issues", TMPL_LIST, nl_issue_fields}, {"digest_hour", TMPL_TEXT, NULL}, {NULL, 0, NULL}};
static const struct tmpl_field newsletters_fields[] = {ADMIN_FIELDS{"editions", TMPL_LIST, nl_desk_edition_fields},
							{"tracking", TMPL_BOOL, NULL},
							{NULL, 0, NULL}};
/* the Wires desk, a wire item and the wire sources (page_wires.c, page_wire_sources.c; issue 23) */
#define WIRE_ITEM_FIELDS                                                                                      \
	{"item_id", TMPL_TEXT, NULL}, {"item_headline", TMPL_TEXT, NULL}, {"item_lang", TMPL_TEXT, NULL},         \
		{"item_dir", TMPL_TEXT, NULL}, {"item_source", TMPL_TEXT, NULL}, {"item_credit", TMPL_TEXT, NULL},    \
		{"item_summary", TMPL_TEXT, NULL}, {"item_version", TMPL_TEXT, NULL}, {"item_received", TMPL_TEXT, NULL}, \
		{"item_received_iso", TMPL_TEXT, NULL}, {"item_canceled", TMPL_BOOL, NULL},                        \
		{"item_withheld", TMPL_BOOL, NULL}, {"item_embargoed", TMPL_BOOL, NULL}, {"item_embargo", TMPL_TEXT, NULL}, \
		{"item_used", TMPL_BOOL, NULL}, {"item_updated", TMPL_BOOL, NULL},
static const struct tmpl_field wire_item_row_fields[] = {WIRE_ITEM_FIELDS{NULL, 0, NULL}};
static const struct tmpl_field wire_option_fields[] = {
	{"value", TMPL_TEXT, NULL}, {"label", TMPL_TEXT, NULL}, {"selected", TMPL_BOOL, NULL}, {NULL, 0, NULL}};
static const struct tmpl_field wires_fields[] = {ADMIN_FIELDS{"items", TMPL_LIST, wire_item_row_fields},
						 {"sources", TMPL_LIST, wire_option_fields},
						 {"langs", TMPL_LIST, wire_option_fields},
						 {"whens", TMPL_LIST, wire_option_fields},
						 {"q", TMPL_TEXT, NULL},
						 {"from", TMPL_TEXT, NULL},
						 {"to", TMPL_TEXT, NULL},
						 {"has_items", TMPL_BOOL, NULL},
						 {"filtered", TMPL_BOOL, NULL},
						 {"has_prev", TMPL_BOOL, NULL},
						 {"has_next", TMPL_BOOL, NULL},
						 {"prev_href", TMPL_TEXT, NULL},
						 {"next_href", TMPL_TEXT, NULL},
						 {NULL, 0, NULL}};
static const struct tmpl_field wire_item_fields[] = {ADMIN_FIELDS WIRE_ITEM_FIELDS{"item_body", TMPL_HTML, NULL},
						     {"item_byline", TMPL_TEXT, NULL},
						     {"item_located", TMPL_TEXT, NULL},
						     {"item_subjects", TMPL_TEXT, NULL},
						     {"item_guid", TMPL_TEXT, NULL},
						     {"item_link", TMPL_TEXT, NULL},
						     {"item_urgency", TMPL_TEXT, NULL},
						     {"item_created", TMPL_TEXT, NULL},
						     {"item_updated_at", TMPL_TEXT, NULL},
						     {"has_draft", TMPL_BOOL, NULL},
						     {"draft_id", TMPL_TEXT, NULL},
						     {"offer", TMPL_BOOL, NULL},
						     {NULL, 0, NULL}};
static const struct tmpl_field wire_source_row_fields[] = {
	{"id", TMPL_TEXT, NULL},	 {"name", TMPL_TEXT, NULL},	  {"kind_label", TMPL_TEXT, NULL},
	{"url", TMPL_TEXT, NULL},	 {"credit", TMPL_TEXT, NULL},	  {"lang", TMPL_TEXT, NULL},
	{"active", TMPL_BOOL, NULL},	 {"items", TMPL_TEXT, NULL},	  {"last_ok", TMPL_TEXT, NULL},
	{"failures", TMPL_TEXT, NULL},	 {"last_error", TMPL_TEXT, NULL}, {"next_poll", TMPL_TEXT, NULL},
	{"pollable", TMPL_BOOL, NULL},	 {"push_url", TMPL_TEXT, NULL},	  {"folder", TMPL_TEXT, NULL},
	{NULL, 0, NULL}};
static const struct tmpl_field wire_sources_fields[] = {ADMIN_FIELDS{"rows", TMPL_LIST, wire_source_row_fields},
							{"has_rows", TMPL_BOOL, NULL},
							{"token", TMPL_TEXT, NULL},
							{"token_url", TMPL_TEXT, NULL},
							{"editing", TMPL_BOOL, NULL},
							{"form_id", TMPL_TEXT, NULL},
							{"kinds", TMPL_LIST, wire_option_fields},
							{"f_langs", TMPL_LIST, wire_option_fields},
							{"name", TMPL_TEXT, NULL},
							{"url", TMPL_TEXT, NULL},
							{"credit", TMPL_TEXT, NULL},
							{"interval", TMPL_TEXT, NULL},
							{"active", TMPL_BOOL, NULL},
							{"field_error", TMPL_TEXT, NULL},
							{"invalid", TMPL_TEXT, NULL},
							{NULL, 0, NULL}};
static const struct tmpl_field nl_sender_row_fields[] = {
	{"key", TMPL_TEXT, NULL},	{"list", TMPL_TEXT, NULL},     {"name", TMPL_TEXT, NULL},
	{"from_name", TMPL_TEXT, NULL}, {"from_addr", TMPL_TEXT, NULL}, {"reply_to", TMPL_TEXT, NULL},
	{"row_error", TMPL_TEXT, NULL}, {NULL, 0, NULL}};
static const struct tmpl_field nl_sender_edition_fields[] = {
	{"code", TMPL_TEXT, NULL},	   {"name", TMPL_TEXT, NULL},			  {"default_name", TMPL_TEXT, NULL},
	{"default_addr", TMPL_TEXT, NULL}, {"lists", TMPL_LIST, nl_sender_row_fields}, {NULL, 0, NULL}};
static const struct tmpl_field newsletter_senders_fields[] = {
	ADMIN_FIELDS{"editions", TMPL_LIST, nl_sender_edition_fields}, {NULL, 0, NULL}};
static const struct tmpl_field newsletter_edit_fields[] = {
	ADMIN_FIELDS{"is_new", TMPL_BOOL, NULL},
	{"id", TMPL_TEXT, NULL},
	{"state", TMPL_TEXT, NULL},
	{"state_code", TMPL_TEXT, NULL},
	{"when", TMPL_TEXT, NULL},
	{"action", TMPL_TEXT, NULL},
	{"version", TMPL_TEXT, NULL},
	{"edition_en", TMPL_BOOL, NULL},
	{"edition_ar", TMPL_BOOL, NULL},
	{"list", TMPL_TEXT, NULL},
	{"subject", TMPL_TEXT, NULL},
	{"preheader", TMPL_TEXT, NULL},
	{"intro", TMPL_TEXT, NULL},
	{"stories", TMPL_TEXT, NULL},
	{"send_at", TMPL_TEXT, NULL},
	{"editable", TMPL_BOOL, NULL},
	{"can_send", TMPL_BOOL, NULL},
	{"text_part", TMPL_TEXT, NULL},
	{"media", TMPL_LIST, media_option_fields},
	{NULL, 0, NULL}};
static const struct tmpl_field webhooks_fields[] = {
	ADMIN_FIELDS{"hooks", TMPL_LIST, hook_row_fields},
	{"has_hooks", TMPL_BOOL, NULL},
	{"new_url", TMPL_TEXT, NULL},
	{"events", TMPL_LIST, hook_event_fields},
	{NULL, 0, NULL}};
static const struct tmpl_field delivery_fields[] = {
	{"delivery", TMPL_TEXT, NULL}, {"event", TMPL_TEXT, NULL},  {"attempt", TMPL_TEXT, NULL},
	{"when", TMPL_TEXT, NULL},     {"iso", TMPL_TEXT, NULL},    {"result", TMPL_TEXT, NULL},
	{"ok", TMPL_BOOL, NULL},       {"duration", TMPL_TEXT, NULL}, {NULL, 0, NULL}};
static const struct tmpl_field webhook_log_fields[] = {
	ADMIN_FIELDS{"id", TMPL_TEXT, NULL},
	{"url", TMPL_TEXT, NULL},
	{"events", TMPL_TEXT, NULL},
	{"secret", TMPL_TEXT, NULL},
	{"active", TMPL_BOOL, NULL},
	{"queue", TMPL_TEXT, NULL},
	{"has_rows", TMPL_BOOL, NULL},
	{"rows", TMPL_LIST, delivery_fields},
	{NULL, 0, NULL}};

/* the audit log (page_audit.c): the filter as typed with its choice of actions, and a page of entries */
static const struct tmpl_field audit_option_fields[] = {
	{"value", TMPL_TEXT, NULL}, {"label", TMPL_TEXT, NULL}, {"selected", TMPL_BOOL, NULL}, {NULL, 0, NULL}};
static const struct tmpl_field audit_group_fields[] = {
	{"label", TMPL_TEXT, NULL}, {"options", TMPL_LIST, audit_option_fields}, {NULL, 0, NULL}};
static const struct tmpl_field audit_entry_fields[] = {
	{"when", TMPL_TEXT, NULL},    {"iso", TMPL_TEXT, NULL},	    {"login", TMPL_TEXT, NULL},
	{"address", TMPL_TEXT, NULL}, {"action", TMPL_TEXT, NULL},  {"has_label", TMPL_BOOL, NULL},
	{"label", TMPL_TEXT, NULL},   {"target", TMPL_TEXT, NULL},  {"has_href", TMPL_BOOL, NULL},
	{"href", TMPL_TEXT, NULL},    {"detail", TMPL_TEXT, NULL},  {NULL, 0, NULL}};
static const struct tmpl_field audit_fields[] = {
	ADMIN_FIELDS{"person", TMPL_TEXT, NULL},
	{"action", TMPL_TEXT, NULL},
	{"typed_action", TMPL_BOOL, NULL},
	{"groups", TMPL_LIST, audit_group_fields},
	{"from", TMPL_TEXT, NULL},
	{"to", TMPL_TEXT, NULL},
	{"from_text", TMPL_BOOL, NULL},
	{"to_text", TMPL_BOOL, NULL},
	{"bad_person", TMPL_BOOL, NULL},
	{"bad_action", TMPL_BOOL, NULL},
	{"bad_from", TMPL_BOOL, NULL},
	{"bad_to", TMPL_BOOL, NULL},
	{"retention", TMPL_TEXT, NULL},
	{"export_href", TMPL_TEXT, NULL},
	{"entries", TMPL_LIST, audit_entry_fields},
	{"has_entries", TMPL_BOOL, NULL},
	{"refused", TMPL_BOOL, NULL},
	{"has_older", TMPL_BOOL, NULL},
	{"older_href", TMPL_TEXT, NULL},
	{"has_newest", TMPL_BOOL, NULL},
	{"newest_href", TMPL_TEXT, NULL},
	{NULL, 0, NULL}};

/* the account's passkeys (issue 20, page_passkeys.c) */
static const struct tmpl_field passkey_row_fields[] = {
	{"id", TMPL_TEXT, NULL},      {"name", TMPL_TEXT, NULL},	 {"name_typed", TMPL_TEXT, NULL},
	{"invalid", TMPL_BOOL, NULL}, {"created", TMPL_TEXT, NULL}, {"used", TMPL_BOOL, NULL},
	{"last_used", TMPL_TEXT, NULL}, {NULL, 0, NULL}};
static const struct tmpl_field passkeys_fields[] = {ADMIN_FIELDS{"has_passkeys", TMPL_BOOL, NULL},
						    {"passkeys", TMPL_LIST, passkey_row_fields},
						    {"can_add", TMPL_BOOL, NULL},
						    {NULL, 0, NULL}};

static const struct {
	const char *file;
	const struct tmpl_field *schema;
} pages[RENDER_NPAGES] = {
	[RENDER_FRONT] = {"templates/front.html", front_fields},
	[RENDER_ARTICLE] = {"templates/article.html", article_fields},
	[RENDER_LIST] = {"templates/list.html", list_fields},
	[RENDER_SEARCH] = {"templates/search.html", search_fields},
	[RENDER_ERROR] = {"templates/error.html", error_fields},
	[RENDER_NEWSLETTER] = {"templates/newsletter.html", newsletter_fields},
	[RENDER_LOGIN] = {"templates/login.html", login_fields},
	[RENDER_DASHBOARD] = {"templates/dashboard.html", dashboard_fields},
	[RENDER_PASSWORD] = {"templates/password.html", password_fields},
	[RENDER_USERS] = {"templates/users.html", users_fields},
	[RENDER_SETTINGS] = {"templates/settings.html", settings_fields},
	[RENDER_EDITOR] = {"templates/editor.html", editor_fields},
	[RENDER_HISTORY] = {"templates/history.html", history_fields},
	[RENDER_MEDIA] = {"templates/media.html", media_fields},
	[RENDER_COMMENTS] = {"templates/comments.html", comments_fields},
	[RENDER_COMMENT_EDIT] = {"templates/comment_edit.html", comment_edit_fields},
	[RENDER_COMMENT_LOG] = {"templates/comment_log.html", comment_log_fields},
	[RENDER_API_KEYS] = {"templates/api_keys.html", api_keys_fields},
	[RENDER_WEBHOOKS] = {"templates/webhooks.html", webhooks_fields},
	[RENDER_WEBHOOK_LOG] = {"templates/webhook_log.html", webhook_log_fields},
	[RENDER_ADMIN_SEARCH] = {"templates/admin_search.html", admin_search_fields},
	[RENDER_LANGUAGE] = {"templates/language.html", language_fields},
	[RENDER_TRANSLATIONS] = {"templates/translations.html", translations_fields},
	[RENDER_GLOSSARY] = {"templates/glossary.html", glossary_fields},
	[RENDER_AUDIT] = {"templates/audit.html", audit_fields},
	[RENDER_SESSIONS] = {"templates/sessions.html", sessions_fields},
	[RENDER_PASSKEYS] = {"templates/passkeys.html", passkeys_fields},
	[RENDER_ADMIN_ERROR] = {"templates/admin_error.html", admin_error_fields},
	[RENDER_ACCOUNT] = {"templates/account.html", account_fields},
	[RENDER_MFA_ENROL] = {"templates/mfa_enrol.html", mfa_enrol_fields},
	[RENDER_MFA_RECOVERY] = {"templates/mfa_recovery.html", mfa_recovery_fields},
	[RENDER_SECOND_FACTOR] = {"templates/second_factor.html", second_factor_fields},
	[RENDER_LIVE_UPDATE] = {"templates/live_update.html", live_update_fields},
	[RENDER_LIVE_DESK] = {"templates/live_desk.html", live_desk_fields},
	[RENDER_LIVE_ENTRY] = {"templates/live_entry.html", live_entry_fields},
	[RENDER_BREAKING] = {"templates/breaking_desk.html", breaking_desk_fields},
	[RENDER_PUSH] = {"templates/push.html", push_fields},
	[RENDER_NEWSLETTERS] = {"templates/newsletters.html", newsletters_fields},
	[RENDER_NEWSLETTER_EDIT] = {"templates/newsletter_edit.html", newsletter_edit_fields},
	[RENDER_WIRES] = {"templates/wires.html", wires_fields},
	[RENDER_WIRE_ITEM] = {"templates/wire_item.html", wire_item_fields},
	[RENDER_WIRE_SOURCES] = {"templates/wire_sources.html", wire_sources_fields},
	[RENDER_NEWSLETTER_SENDERS] = {"templates/newsletter_senders.html", newsletter_senders_fields},
};

const struct tmpl_field *render_schema(enum render_page kind)
{
	return pages[kind].schema;
}

const char *render_template_file(enum render_page kind)
{
	return pages[kind].file;
}
