/* i18n.h - the interface strings of each edition. Every string is a TEXT variable of the page frame
 * (see render.c), so templates print them escaped like any other value. Add a string here and it is
 * available to every template. */
#ifndef BROADSHEET_I18N_H
#define BROADSHEET_I18N_H

#define I18N_STRINGS(X)                                                                                       \
	X(t_skip, "Skip to content", "انتقل إلى المحتوى")                                                    \
	X(t_sections, "Sections", "الأقسام")                                                                  \
	X(t_home, "Home", "الرئيسية")                                                                          \
	X(t_latest_news, "Latest news", "آخر الأخبار")                                                       \
	X(t_most_read, "Most read", "الأكثر قراءة")                                                           \
	X(t_top_stories, "Top stories", "أهم الأخبار")                                                        \
	X(t_more_in, "More in", "المزيد في")                                                                  \
	X(t_by, "By", "بقلم")                                                                                  \
	X(t_published, "Published", "نُشر")                                                                   \
	X(t_updated, "Updated", "حُدّث")                                                                       \
	X(t_tags, "Tags", "الوسوم")                                                                            \
	X(t_related, "Related", "أخبار ذات صلة")                                                              \
	X(t_read_in, "Read in", "اقرأ بـ")                                                                    \
	X(t_prev, "Newer", "الأحدث")                                                                           \
	X(t_next, "Older", "الأقدم")                                                                           \
	X(t_pages, "Pages", "الصفحات")                                                                         \
	X(t_no_articles, "No articles here yet.", "لا توجد مقالات هنا بعد.")                                  \
	X(t_section, "Section", "القسم")                                                                       \
	X(t_tag, "Tag", "الوسم")                                                                               \
	X(t_author, "Author", "الكاتب")                                                                        \
	X(t_back_home, "Back to the front page", "العودة إلى الصفحة الرئيسية")                               \
	X(t_maintained, "Maintained and developed by", "تطوير وصيانة")                                       \
	X(t_rights, "All rights reserved to", "جميع الحقوق محفوظة لـ")                                        \
	X(t_photo, "Photo", "تصوير")                                                                           \
	X(t_articles, "Articles", "المقالات")                                                                   \
	X(t_edition_label, "Edition", "الطبعة")                                                                \
	X(t_push_optin, "Get news alerts on this device", "تلقَّ تنبيهات الأخبار على هذا الجهاز")                  \
	X(t_push_stop, "Stop news alerts", "أوقف تنبيهات الأخبار")                                                \
	X(t_push_on, "News alerts are on for this device.", "تنبيهات الأخبار مفعّلة على هذا الجهاز.")                \
	X(t_push_denied, "This browser blocks notifications from this site: allow them in its settings first.", "يحظر هذا المتصفح إشعارات هذا الموقع: اسمح بها من إعداداته أولاً.") \
	X(t_push_failed, "Alerts could not be turned on. Try again later.", "تعذّر تفعيل التنبيهات. حاول مرة أخرى لاحقاً.") \
	X(t_nl_title, "Newsletters", "النشرات البريدية")                                                       \
	X(t_nl_email, "Email address", "البريد الإلكتروني")                                                     \
	X(t_nl_lists, "Newsletters to receive", "النشرات التي تريد تلقيها")                                      \
	X(t_nl_digest, "Daily digest", "الموجز اليومي")                                                         \
	X(t_nl_breaking, "Breaking news alerts", "تنبيهات الأخبار العاجلة")                                      \
	X(t_nl_subscribe, "Subscribe", "اشترك")                                                                \
	X(t_nl_all, "All newsletters", "كل النشرات")                                                           \
	X(t_corrections, "Corrections", "تصحيحات")                                                             \
	X(t_correction, "Correction", "تصحيح")                                                                 \
	X(t_comments, "Comments", "التعليقات")                                                                 \
	X(t_send_comments, "Send your comments", "أرسل تعليقك")                                                \
	X(t_as_visitor, "Your comment as a visitor", "تعليقك كزائر")                                           \
	X(t_your_name, "Name", "الاسم")                                                                        \
	X(t_your_email, "Email (optional, never shown)", "البريد الإلكتروني (اختياري، لا يُعرض)")              \
	X(t_your_comment, "Comment", "التعليق")                                                                \
	X(t_comment_limit, "at most 5000 characters", "بحد أقصى 5000 حرف")                                      \
	X(t_send, "Send", "إرسال")                                                                             \
	X(t_reply, "Reply", "رد")                                                                              \
	X(t_replying_to, "Replying to", "رداً على")                                                            \
	X(t_cancel_reply, "Cancel the reply", "إلغاء الرد")                                                    \
	X(t_awaiting, "Awaiting moderation: only you can see it", "بانتظار المراجعة: لا يراه غيرك")            \
	X(t_edited, "Edited by a moderator", "عدّله أحد المشرفين")                                              \
	X(t_no_comments, "No comments yet.", "لا توجد تعليقات بعد.")                                           \
	X(t_comments_closed, "Comments on this article are closed.", "التعليقات على هذا المقال مغلقة.")         \
	X(t_comment_rules, "Comments are plain text; links are allowed. They appear after a moderator approves them.", "التعليقات نص عادي ويُسمح بالروابط. تظهر بعد موافقة المشرف.") \
	X(t_website, "Leave this field empty", "اترك هذا الحقل فارغاً")                                          \
	X(t_search, "Search", "بحث")                                                                           \
	X(t_search_label, "Search the articles", "ابحث في المقالات")                                           \
	X(t_search_results, "Search results", "نتائج البحث")                                                    \
	X(t_search_none, "No articles match your search.", "لا توجد مقالات تطابق بحثك.")                        \
	X(t_search_help, "Check the spelling, try fewer or more general words, or search for the start of a word with an asterisk, such as econ*. Put words in quotes to find them as an exact phrase.", "تحقق من الإملاء، أو جرّب كلمات أقل أو أعم، أو ابحث عن بداية كلمة بإضافة نجمة مثل اقتص*. ضع الكلمات بين علامتي تنصيص للبحث عن عبارة كما هي.") \
	X(t_search_empty, "Type one or more words to search the articles of this edition.", "اكتب كلمة أو أكثر للبحث في مقالات هذه الطبعة.") \
	X(t_search_filters, "Narrow the search", "تضييق البحث")                                                 \
	X(t_search_words, "Words", "الكلمات")                                                                   \
	X(t_section, "Section", "القسم")                                                                       \
	X(t_all_sections, "All sections", "كل الأقسام")                                                        \
	X(t_date_from, "From (YYYY-MM-DD)", "من (سنة-شهر-يوم)")                                                 \
	X(t_date_to, "To (YYYY-MM-DD)", "إلى (سنة-شهر-يوم)")                                                    \
	X(t_search_apply, "Apply", "تطبيق")                                                                     \
	X(t_search_archive, "Search the whole archive", "ابحث في الأرشيف كله")

#endif
