/* jsonld.c - schema.org structured data for page heads (see jsonld.h), built with jansson so that
 * quoting is never done by hand, then made safe for an HTML <script> data block. */
#include "jsonld.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

/* set_str: sets key to a string when value is non-empty. */
static void set_str(json_t *o, const char *key, const char *value)
{
	if (value && *value)
		json_object_set_new(o, key, json_string(value));
}

const char *jsonld_script_text(struct arena *a, json_t *doc)
{
	if (!doc)
		return NULL;
	char *text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(doc);
	if (!text)
		return NULL;
	/* In JSON '<', '>' and '&' can only appear inside strings, where \u escapes mean the same: with
	 * them escaped, no "</script" or "<!--" can end or confuse the data block. */
	struct buf b = BUF_INIT;
	for (const char *p = text; *p; p++) {
		if (*p == '<')
			buf_lit(&b, "\\u003c");
		else if (*p == '>')
			buf_lit(&b, "\\u003e");
		else if (*p == '&')
			buf_lit(&b, "\\u0026");
		else
			buf_putc(&b, *p);
	}
	free(text);
	const char *out = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return out;
}

/* organization: the publisher. */
static json_t *organization(const char *name, const char *url, const char *logo)
{
	json_t *o = json_pack("{s:s, s:s, s:s}", "@type", "Organization", "name", name, "url", url);
	if (logo && *logo)
		json_object_set_new(o, "logo", json_pack("{s:s, s:s}", "@type", "ImageObject", "url", logo));
	return o;
}

/* image_gallery: an ImageGallery of ImageObjects (contentUrl, caption, creditText, description = alt). */
static json_t *image_gallery(const struct jsonld_gallery *g)
{
	json_t *o = json_pack("{s:s}", "@type", "ImageGallery");
	set_str(o, "name", g->name);
	json_t *media = json_array();
	for (size_t i = 0; i < g->nimages; i++) {
		json_t *img = json_pack("{s:s, s:s}", "@type", "ImageObject", "contentUrl", g->images[i].url);
		set_str(img, "caption", g->images[i].caption);
		set_str(img, "creditText", g->images[i].credit);
		set_str(img, "description", g->images[i].alt);
		json_array_append_new(media, img);
	}
	json_object_set_new(o, "associatedMedia", media);
	return o;
}

json_t *jsonld_news_article(const struct jsonld_article *in)
{
	json_t *o = json_pack("{s:s, s:s, s:s}", "@context", "https://schema.org", "@type", "NewsArticle", "headline",
			      in->headline ? in->headline : "");
	set_str(o, "description", in->description);
	set_str(o, "url", in->url);
	if (in->url && *in->url)
		json_object_set_new(o, "mainEntityOfPage", json_pack("{s:s, s:s}", "@type", "WebPage", "@id", in->url));
	set_str(o, "datePublished", in->date_published);
	set_str(o, "dateModified", in->date_modified);
	json_t *authors = json_array();
	for (size_t i = 0; i < in->nauthors; i++) {
		json_t *p = json_pack("{s:s, s:s}", "@type", "Person", "name", in->authors[i].name);
		set_str(p, "url", in->authors[i].url);
		json_array_append_new(authors, p);
	}
	json_object_set_new(o, "author", authors);
	json_object_set_new(o, "publisher", organization(in->publisher, in->site_url, in->logo_url));
	if (in->image_url && *in->image_url && in->image_width > 0 && in->image_height > 0)
		json_object_set_new(o, "image", json_pack("[{s:s, s:s, s:i, s:i}]", "@type", "ImageObject", "url",
		                                          in->image_url, "width", in->image_width, "height",
		                                          in->image_height));
	else if (in->image_url && *in->image_url)
		json_object_set_new(o, "image", json_pack("[s]", in->image_url));
	set_str(o, "inLanguage", in->language);
	json_object_set_new(o, "isAccessibleForFree", json_true());
	set_str(o, "articleSection", in->section);
	if (in->nkeywords) {
		json_t *k = json_array();
		for (size_t i = 0; i < in->nkeywords; i++)
			json_array_append_new(k, json_string(in->keywords[i]));
		json_object_set_new(o, "keywords", k);
	}
	if (in->ncorrections) {
		json_t *c = json_array();
		for (size_t i = 0; i < in->ncorrections; i++)
			json_array_append_new(c, json_pack("{s:s, s:s, s:s}", "@type", "CorrectionComment", "text",
							   in->corrections[i].text, "datePublished", in->corrections[i].date));
		json_object_set_new(o, "correction", c);
	}
	if (in->ngalleries) {
		json_t *parts = json_array();
		for (size_t i = 0; i < in->ngalleries; i++)
			json_array_append_new(parts, image_gallery(&in->galleries[i]));
		json_object_set_new(o, "hasPart", parts);
	}
	return o;
}

json_t *jsonld_website(const char *name, const char *url, const char *language, const char *logo_url,
		       const char *search_url)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "@context", "https://schema.org", "@type", "WebSite", "name", name,
			      "url", url);
	set_str(o, "inLanguage", language);
	if (search_url && *search_url)
		json_object_set_new(o, "potentialAction",
				    json_pack("{s:s, s:{s:s, s:s}, s:s}", "@type", "SearchAction", "target", "@type",
					      "EntryPoint", "urlTemplate", search_url, "query-input",
					      "required name=search_term_string"));
	json_object_set_new(o, "publisher", organization(name, url, logo_url));
	return o;
}

json_t *jsonld_collection(const char *name, const char *url, const char *language, const char *site_name,
			  const char *site_url)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "@context", "https://schema.org", "@type", "CollectionPage", "name",
			      name, "url", url);
	set_str(o, "inLanguage", language);
	json_object_set_new(o, "isPartOf", json_pack("{s:s, s:s, s:s}", "@type", "WebSite", "name", site_name, "url", site_url));
	return o;
}

json_t *jsonld_live_blog(json_t *article, const struct jsonld_live *live)
{
	if (!article)
		return NULL;
	json_object_set_new(article, "@type", json_string("LiveBlogPosting"));
	set_str(article, "coverageStartTime", live->coverage_start);
	set_str(article, "coverageEndTime", live->coverage_end);
	set_str(article, "dateModified", live->date_modified);
	json_t *updates = json_array();
	for (size_t i = 0; i < live->nupdates; i++) {
		const struct jsonld_live_update *u = &live->updates[i];
		json_t *p = json_pack("{s:s, s:s}", "@type", "BlogPosting", "headline", u->headline ? u->headline : "");
		set_str(p, "url", u->url);
		if (u->url && *u->url)
			json_object_set_new(p, "mainEntityOfPage", json_pack("{s:s, s:s}", "@type", "WebPage", "@id", u->url));
		set_str(p, "datePublished", u->date_published);
		set_str(p, "dateModified", u->date_modified);
		set_str(p, "articleBody", u->body);
		json_t *authors = json_array();
		if (u->author && *u->author)
			json_array_append_new(authors, json_pack("{s:s, s:s}", "@type", "Person", "name", u->author));
		json_object_set_new(p, "author", authors);
		json_t *publisher = json_object_get(article, "publisher"), *image = json_object_get(article, "image");
		if (publisher)
			json_object_set_new(p, "publisher", json_deep_copy(publisher));
		if (image)
			json_object_set_new(p, "image", json_deep_copy(image));
		json_array_append_new(updates, p);
	}
	json_object_set_new(article, "liveBlogUpdate", updates);
	return article;
}
