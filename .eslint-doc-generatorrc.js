/** @type {import('eslint-doc-generator').GenerateOptions} */
export default {
  ruleDocTitleFormat: 'prefix-name',
  ruleDocSectionInclude: ['Examples', 'When Not To Use It'],
  ruleListColumns: ['name', 'description', 'configsError', 'fixable', 'hasSuggestions', 'requiresTypeChecking'],
  configEmoji: [
    ['recommended', '✅'],
    ['recommended-type-checked', '☑️'],
    ['browser', '🌐'],
    ['strict', '🔒'],
  ],
  ignoreConfig: ['all', 'disable-type-checked'],
  ruleDocSectionOptions: false,
  urlConfigs: 'https://github.com/eslint-plugin-otel-context/eslint-plugin-otel-context#presets',
};
