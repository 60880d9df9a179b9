export { COMPILER_VERSION, compileGraph, validateConfig, type CompiledGraph, type GraphOutputInfo } from "./compile";
export {
  ABLATION_INPUT,
  LOGITS_OUTPUT,
  SUPPORTED_HOOKS_HELP,
  hookWidth,
  normalizeSpec,
  parseHook,
  pastKeyInputName,
  pastValueInputName,
  presentKeyOutputName,
  presentValueOutputName,
  steeringInputName,
  type GraphSpec,
  type NormalizedSpec,
  type ParsedHook,
} from "./hooks";
export { serializeModel, serializeModelToBuffer, weightBytes, type ModelSink, type SerializeOptions } from "./serialize";
