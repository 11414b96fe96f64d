/** Label and field selectors: parsing, printing, matching, and each kind's selectable fields. */
export {
  LabelSelector,
  parseLabelSelector,
  selectorFromSet,
} from "./label-selector.js";
export {
  newLabelRequirement,
  type LabelOperator,
  type LabelRequirement,
  type Labels,
} from "./label-requirement.js";
export {
  formatLabelSelector,
  labelSelectorAsSelector,
  type LabelSelectorObject,
  type LabelSelectorOperatorName,
  type LabelSelectorRequirementObject,
} from "./label-selector-object.js";
export {
  FieldSelector,
  escapeFieldValue,
  fieldSelectorFromSet,
  parseFieldSelector,
  unescapeFieldValue,
  type FieldRequirement,
  type FieldTransform,
  type Fields,
} from "./field-selector.js";
export { fieldLabelsFor, fieldsFor, validateFieldSelector } from "./selectable-fields.js";
