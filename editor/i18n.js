// The desk's words, in the newsroom page's language (<html lang>): English or Arabic.
const WORDS = {
  en: {
    toolbar: 'Formatting', bold: 'Bold', italic: 'Italic', link: 'Link', h2: 'Heading H2', h3: 'Subheading H3',
    h4: 'Minor heading H4', para: 'Paragraph', bullet: 'Bulleted list', ordered: 'Numbered list', quote: 'Block quote',
    pullquote: 'Pull quote', rule: 'Separator', image: 'Image from the library', gallery: 'Gallery',
    embed: 'Embed a link', undo: 'Undo', redo: 'Redo', dir: 'Paragraph direction',
    dirNames: { null: 'automatic', rtl: 'right to left', ltr: 'left to right' },
    linkAsk: 'Link address (https://, mailto: or /path); empty to remove', linkBad: 'Links may be http(s), mailto or a path on this site.',
    embedAsk: 'Address (https://) of the post, video or page to embed', embedBad: 'An embed needs an https:// address.',
    words: (n, m) => `${n} words · ${m} min read`, alt: 'Alt text', caption: 'Caption', credit: 'Credit', title: 'Title',
    url: 'Address', text: 'Quotation', by: 'Said by', media: 'Image', remove: 'Remove', add: 'Add image',
    choose: 'Choose an image', cancel: 'Cancel', noMedia: 'The library has no images yet: upload one on the Media page.',
    uploadAlt: 'Describe the image for readers who cannot see it (alt text)', uploading: 'Uploading',
    uploadFailed: 'The upload failed', editorLabel: 'Body', unsupported: 'This text has a table, which the rich editor cannot edit: edit it as Markdown here.',
    saved: (t) => `Unsaved copy kept on the server at ${t}`, saveFailed: 'The unsaved copy could not be kept on the server',
  },
  ar: {
    toolbar: 'التنسيق', bold: 'عريض', italic: 'مائل', link: 'رابط', h2: 'عنوان H2', h3: 'عنوان فرعي H3',
    h4: 'عنوان صغير H4', para: 'فقرة', bullet: 'قائمة نقطية', ordered: 'قائمة مرقمة', quote: 'اقتباس',
    pullquote: 'اقتباس بارز', rule: 'فاصل', image: 'صورة من المكتبة', gallery: 'معرض صور',
    embed: 'تضمين رابط', undo: 'تراجع', redo: 'إعادة', dir: 'اتجاه الفقرة',
    dirNames: { null: 'تلقائي', rtl: 'من اليمين إلى اليسار', ltr: 'من اليسار إلى اليمين' },
    linkAsk: 'عنوان الرابط (https:// أو mailto: أو /مسار)؛ فارغ للإزالة', linkBad: 'الروابط المسموحة: http(s) أو mailto أو مسار في الموقع.',
    embedAsk: 'عنوان (https://) المنشور أو الفيديو أو الصفحة', embedBad: 'التضمين يحتاج عنوانًا يبدأ بـ https://',
    words: (n, m) => `${n} كلمة · ${m} دقيقة قراءة`, alt: 'النص البديل', caption: 'التعليق', credit: 'المصدر', title: 'العنوان',
    url: 'العنوان', text: 'الاقتباس', by: 'القائل', media: 'صورة', remove: 'حذف', add: 'إضافة صورة',
    choose: 'اختر صورة', cancel: 'إلغاء', noMedia: 'لا صور في المكتبة بعد: ارفع صورة من صفحة الوسائط.',
    uploadAlt: 'صف الصورة لمن لا يراها (النص البديل)', uploading: 'جارٍ الرفع', uploadFailed: 'فشل الرفع',
    editorLabel: 'النص', unsupported: 'في هذا النص جدول لا يحرره المحرر المنسق: حرره هنا بصيغة ماركداون.',
    saved: (t) => `حُفظت نسخة غير محفوظة على الخادم في ${t}`, saveFailed: 'تعذر حفظ النسخة على الخادم',
  },
};
export const t = WORDS[document.documentElement.lang === 'ar' ? 'ar' : 'en'];
