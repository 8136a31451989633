// Editor blocks: the cookie settings button and the privacy policy. Both are
// rendered by the server (shortcodes), so the editor only shows what they are.
(function (wp) {
  const { registerBlockType } = wp.blocks;
  const { createElement: el } = wp.element;
  const { __ } = wp.i18n;
  const { useBlockProps, PlainText } = wp.blockEditor;

  registerBlockType('doui/settings-link', {
    apiVersion: 2,
    title: __('Cookie settings button', 'doui'),
    category: 'widgets',
    icon: 'admin-generic',
    attributes: { text: { type: 'string' } },
    edit: ({ attributes, setAttributes }) =>
      el('div', useBlockProps(),
        el(PlainText, {
          value: attributes.text ?? '',
          placeholder: __('Cookie settings', 'doui'),
          onChange: (text) => setAttributes({ text }),
          'aria-label': __('Button text', 'doui'),
        })),
    save: () => null,
  });

  registerBlockType('doui/policy', {
    apiVersion: 2,
    title: __('Privacy policy with cookie tables', 'doui'),
    category: 'text',
    icon: 'privacy',
    attributes: { src: { type: 'string' }, markdown: { type: 'string' } },
    edit: ({ attributes, setAttributes }) =>
      el('div', useBlockProps(),
        el('p', null, __('Markdown policy. Leave empty for the policy doui provides for WordPress sites; the cookie and external transmission tables come from the doui settings.', 'doui')),
        el(PlainText, {
          value: attributes.markdown ?? '',
          onChange: (markdown) => setAttributes({ markdown }),
          'aria-label': __('Policy in Markdown', 'doui'),
        })),
    save: () => null,
  });
})(window.wp);
