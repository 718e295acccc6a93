#include "core/model_io.h"

#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/data/status_macros.h"
#include "core/torch_status.h"

namespace fe {
namespace {

using nlohmann::json;

constexpr char kGeneratorFile[] = "generator.pt";
constexpr char kSemanticFile[] = "semantic.pt";
constexpr char kFilterFile[] = "filter.pt";
constexpr char kGzslClassifierFile[] = "classifier_gzsl.pt";
constexpr char kZslClassifierFile[] = "classifier_zsl.pt";

template <typename Module>
SnapshotFile SaveModule(const std::string& name, Module& module) {
  std::ostringstream stream;
  torch::serialize::OutputArchive archive;
  module->to(torch::kCPU);
  module->save(archive);
  archive.save_to(stream);
  return SnapshotFile{name, stream.str()};
}

// Reads an integer field of `object`; `path` names it in errors.
absl::StatusOr<int64_t> GetInt(const json& object, const std::string& key,
                               const std::string& path) {
  if (!object.is_object() || !object.contains(key) ||
      !object[key].is_number_integer()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "snapshot manifest field '", path, ".", key,
        "' is missing or not an integer"));
  }
  return object[key].get<int64_t>();
}

absl::StatusOr<std::string> GetString(const json& object,
                                      const std::string& key,
                                      const std::string& path) {
  if (!object.is_object() || !object.contains(key) ||
      !object[key].is_string()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "snapshot manifest field '", path, ".", key,
        "' is missing or not a string"));
  }
  return object[key].get<std::string>();
}

absl::StatusOr<bool> GetBool(const json& object, const std::string& key,
                             const std::string& path) {
  if (!object.is_object() || !object.contains(key) ||
      !object[key].is_boolean()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "snapshot manifest field '", path, ".", key,
        "' is missing or not a boolean"));
  }
  return object[key].get<bool>();
}

absl::StatusOr<std::vector<float>> GetFloats(const json& object,
                                             const std::string& key,
                                             const std::string& path) {
  if (!object.is_object() || !object.contains(key) ||
      !object[key].is_array()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "snapshot manifest field '", path, ".", key,
        "' is missing or not an array"));
  }
  std::vector<float> values;
  values.reserve(object[key].size());
  for (const json& value : object[key]) {
    if (!value.is_number()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "snapshot manifest field '", path, ".", key,
          "' holds a value that is not a number"));
    }
    values.push_back(value.get<float>());
  }
  return values;
}

json ConfigToJson(const FeModelConfig& config) {
  return json{
      {"dimensions",
       {{"feature_dim", config.feature_dim},
        {"attribute_dim", config.attribute_dim},
        {"noise_dim", config.noise_dim},
        {"generator_hidden_dim", config.generator_hidden_dim},
        {"core_dim", config.core_dim},
        {"projection_dim", config.projection_dim},
        {"decoder_hidden_dim", config.decoder_hidden_dim},
        {"enhanced_dim", config.EnhancedDim()}}},
      {"architecture",
       {{"generator_output", GeneratorOutputName(config.generator_output)},
        {"use_virtual_semantics", config.layout.use_virtual_semantics},
        {"use_core_features", config.layout.use_core_features}}}};
}

// Returns manifest[key], or an empty object when the manifest has no such
// field, so that the Get* helpers report the missing field by its path.
const json& Section(const json& manifest, const std::string& key) {
  static const json* const kEmpty = new json(json::object());
  return manifest.contains(key) ? manifest[key] : *kEmpty;
}

absl::StatusOr<FeModelConfig> ConfigFromJson(const json& manifest) {
  FeModelConfig config;
  const json& dims = Section(manifest, "dimensions");
  const json& arch = Section(manifest, "architecture");
  FE_ASSIGN_OR_RETURN(feature_dim, GetInt(dims, "feature_dim", "dimensions"));
  FE_ASSIGN_OR_RETURN(attribute_dim,
                      GetInt(dims, "attribute_dim", "dimensions"));
  FE_ASSIGN_OR_RETURN(noise_dim, GetInt(dims, "noise_dim", "dimensions"));
  FE_ASSIGN_OR_RETURN(generator_hidden_dim,
                      GetInt(dims, "generator_hidden_dim", "dimensions"));
  FE_ASSIGN_OR_RETURN(core_dim, GetInt(dims, "core_dim", "dimensions"));
  FE_ASSIGN_OR_RETURN(projection_dim,
                      GetInt(dims, "projection_dim", "dimensions"));
  FE_ASSIGN_OR_RETURN(decoder_hidden_dim,
                      GetInt(dims, "decoder_hidden_dim", "dimensions"));
  FE_ASSIGN_OR_RETURN(output_name,
                      GetString(arch, "generator_output", "architecture"));
  FE_ASSIGN_OR_RETURN(output, ParseGeneratorOutput(output_name));
  FE_ASSIGN_OR_RETURN(use_virtual,
                      GetBool(arch, "use_virtual_semantics", "architecture"));
  FE_ASSIGN_OR_RETURN(use_core,
                      GetBool(arch, "use_core_features", "architecture"));
  config.feature_dim = feature_dim;
  config.attribute_dim = attribute_dim;
  config.noise_dim = noise_dim;
  config.generator_hidden_dim = generator_hidden_dim;
  config.core_dim = core_dim;
  config.projection_dim = projection_dim;
  config.decoder_hidden_dim = decoder_hidden_dim;
  config.generator_output = output;
  config.layout.use_virtual_semantics = use_virtual;
  config.layout.use_core_features = use_core;
  return config;
}

absl::StatusOr<FeatureScaler> ScalerFromJson(const json& manifest) {
  const json& prep = Section(manifest, "preprocessing");
  FE_ASSIGN_OR_RETURN(kind_name,
                      GetString(prep, "feature_scaling", "preprocessing"));
  FE_ASSIGN_OR_RETURN(kind, ParseFeatureScaling(kind_name));
  FeatureScaler scaler;
  scaler.kind = kind;
  if (kind == FeatureScaling::kNone) return scaler;
  FE_ASSIGN_OR_RETURN(offset, GetFloats(prep, "offset", "preprocessing"));
  FE_ASSIGN_OR_RETURN(scale, GetFloats(prep, "scale", "preprocessing"));
  scaler.offset = std::move(offset);
  scaler.scale = std::move(scale);
  return scaler;
}

absl::StatusOr<SemanticScaler> SemanticScalerFromJson(const json& manifest) {
  const json& prep = Section(manifest, "preprocessing");
  FE_ASSIGN_OR_RETURN(kind_name, GetString(prep, "semantic_normalization",
                                           "preprocessing"));
  FE_ASSIGN_OR_RETURN(kind, ParseSemanticNormalization(kind_name));
  SemanticScaler scaler;
  scaler.kind = kind;
  if (kind != SemanticNormalization::kStandardizeL2) return scaler;
  FE_ASSIGN_OR_RETURN(offset,
                      GetFloats(prep, "semantic_offset", "preprocessing"));
  FE_ASSIGN_OR_RETURN(scale, GetFloats(prep, "semantic_scale", "preprocessing"));
  scaler.offset = std::move(offset);
  scaler.scale = std::move(scale);
  return scaler;
}

absl::StatusOr<std::vector<ClassEntry>> ClassesFromJson(const json& manifest) {
  if (!manifest.contains("classes") || !manifest["classes"].is_array()) {
    return absl::InvalidArgumentError(
        "snapshot manifest field 'classes' is missing or not an array");
  }
  std::vector<ClassEntry> classes;
  for (size_t i = 0; i < manifest["classes"].size(); ++i) {
    const json& row = manifest["classes"][i];
    const std::string path = absl::StrCat("classes[", i, "]");
    FE_ASSIGN_OR_RETURN(id, GetInt(row, "id", path));
    FE_ASSIGN_OR_RETURN(name, GetString(row, "name", path));
    FE_ASSIGN_OR_RETURN(kind_name, GetString(row, "kind", path));
    FE_ASSIGN_OR_RETURN(kind, ParseClassKind(kind_name));
    FE_ASSIGN_OR_RETURN(vector, GetFloats(row, "semantic_vector", path));
    classes.push_back(ClassEntry{static_cast<int32_t>(id), std::move(name),
                                 kind, std::move(vector)});
  }
  return classes;
}

template <typename Module>
absl::Status LoadModule(const Snapshot& snapshot, const std::string& name,
                        Module& module, torch::Device device) {
  const SnapshotFile* file = snapshot.FindFile(name);
  if (file == nullptr) {
    return absl::DataLossError(absl::StrCat(
        "snapshot ", snapshot.model, " version ", snapshot.version,
        " has no weight file ", name));
  }
  // Module::load replaces parameters without comparing shapes, so record
  // the shapes that the manifest's dimensions gave and compare afterwards.
  std::vector<std::pair<std::string, std::vector<int64_t>>> expected;
  for (const auto& item : module->named_parameters()) {
    expected.emplace_back(item.key(), item.value().sizes().vec());
  }
  absl::Status status = RunTorch(absl::StrCat("loading ", name), [&] {
    std::istringstream stream(file->contents);
    torch::serialize::InputArchive archive;
    archive.load_from(stream, torch::kCPU);
    module->load(archive);
    module->to(device);
  });
  if (status.ok()) {
    auto loaded = module->named_parameters();
    for (const auto& [key, shape] : expected) {
      const torch::Tensor* tensor = loaded.find(key);
      if (tensor == nullptr || tensor->sizes().vec() != shape) {
        status = absl::DataLossError(absl::StrCat(
            "parameter ", key, " has shape [",
            tensor == nullptr ? std::string("missing")
                              : absl::StrJoin(tensor->sizes(), ", "),
            "], expected [", absl::StrJoin(shape, ", "), "]"));
        break;
      }
    }
  }
  if (!status.ok()) {
    return absl::DataLossError(absl::StrCat(
        "snapshot ", snapshot.model, " version ", snapshot.version,
        ": weight file ", name,
        " does not match the dimensions in the manifest: ",
        status.message()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::pair<json, std::vector<SnapshotFile>>> SerializeFeModel(
    FeModel& model, const json& metadata) {
  if (!metadata.is_object()) {
    return absl::InvalidArgumentError("snapshot metadata must be a JSON object");
  }
  json manifest = metadata;
  manifest["format"] = kSnapshotFormat;
  json config = ConfigToJson(model.config());
  manifest["dimensions"] = config["dimensions"];
  manifest["architecture"] = config["architecture"];
  manifest["preprocessing"] = {
      {"feature_scaling", FeatureScalingName(model.scaler().kind)},
      {"offset", model.scaler().offset},
      {"scale", model.scaler().scale},
      {"semantic_normalization",
       SemanticNormalizationName(model.semantic_scaler().kind)},
      {"semantic_offset", model.semantic_scaler().offset},
      {"semantic_scale", model.semantic_scaler().scale}};
  json classes = json::array();
  for (const ClassEntry& entry : model.classes()) {
    classes.push_back({{"id", entry.id},
                       {"name", entry.name},
                       {"kind", ClassKindName(entry.kind)},
                       {"semantic_vector", entry.semantic_vector}});
  }
  manifest["classes"] = std::move(classes);

  auto files = RunTorch("serializing model weights", [&] {
    torch::Device device = model.device();
    std::vector<SnapshotFile> out = {
        SaveModule(kGeneratorFile, model.generator()),
        SaveModule(kSemanticFile, model.semantic()),
        SaveModule(kFilterFile, model.filter()),
        SaveModule(kGzslClassifierFile, model.gzsl_classifier()),
        SaveModule(kZslClassifierFile, model.zsl_classifier())};
    // Saving moved the modules to the CPU; move them back.
    model.generator()->to(device);
    model.semantic()->to(device);
    model.filter()->to(device);
    model.gzsl_classifier()->to(device);
    model.zsl_classifier()->to(device);
    return out;
  });
  if (!files.ok()) return files.status();
  return std::make_pair(std::move(manifest), *std::move(files));
}

absl::StatusOr<int64_t> PublishFeModel(const SnapshotStore& store,
                                       const std::string& model_name,
                                       FeModel& model, const json& metadata) {
  auto serialized = SerializeFeModel(model, metadata);
  if (!serialized.ok()) return serialized.status();
  return store.Publish(model_name, std::move(serialized->first),
                       serialized->second);
}

absl::StatusOr<std::unique_ptr<FeModel>> LoadFeModel(const Snapshot& snapshot,
                                                     torch::Device device) {
  const json& manifest = snapshot.manifest;
  if (!manifest.is_object() || !manifest.contains("format") ||
      manifest["format"] != kSnapshotFormat) {
    return absl::InvalidArgumentError(absl::StrCat(
        "snapshot ", snapshot.model, " version ", snapshot.version,
        " has manifest field 'format' other than '", kSnapshotFormat, "'"));
  }
  FE_ASSIGN_OR_RETURN(config, ConfigFromJson(manifest));
  FE_ASSIGN_OR_RETURN(scaler, ScalerFromJson(manifest));
  FE_ASSIGN_OR_RETURN(semantic_scaler, SemanticScalerFromJson(manifest));
  FE_ASSIGN_OR_RETURN(classes, ClassesFromJson(manifest));
  FE_ASSIGN_OR_RETURN(model, FeModel::Create(config, std::move(scaler),
                                             std::move(semantic_scaler),
                                             std::move(classes), device));
  absl::Status status =
      LoadModule(snapshot, kGeneratorFile, model->generator(), device);
  if (status.ok())
    status = LoadModule(snapshot, kSemanticFile, model->semantic(), device);
  if (status.ok())
    status = LoadModule(snapshot, kFilterFile, model->filter(), device);
  if (status.ok())
    status = LoadModule(snapshot, kGzslClassifierFile,
                        model->gzsl_classifier(), device);
  if (status.ok())
    status = LoadModule(snapshot, kZslClassifierFile,
                        model->zsl_classifier(), device);
  if (!status.ok()) return status;
  return model;
}

}  // namespace fe
