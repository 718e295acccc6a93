// Runs the fe-train binary as a user would and checks its outputs, exit
// codes and error messages.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "nlohmann/json.hpp"
#include "tests/test_util.h"

namespace fe {
namespace {

using ::testing::HasSubstr;

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

CommandResult RunFeTrain(const std::string& arguments) {
  const std::string command =
      std::string(FE_TRAIN_BINARY) + " " + arguments + " 2>&1";
  CommandResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) {
    result.output.append(buffer, n);
  }
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

TEST(FeTrainCli, TrainsPublishesAndWritesMetrics) {
  const std::string dir = testing::MakeTempDir("fe-train-cli");
  const std::string metrics_path = dir + "/metrics.json";
  CommandResult result = RunFeTrain(
      "--data synthetic --snapshot_root " + dir + "/snapshots --model demo "
      "--epochs 1 --batch_size 128 --critic_steps 1 --pretrain_epochs 2 "
      "--n_syn 20 --classifier_epochs 2 --device cpu --threads 1 "
      "--metrics_json " +
      metrics_path);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr("epoch 1/1"));
  EXPECT_THAT(result.output, HasSubstr("T1="));
  EXPECT_THAT(result.output, HasSubstr("published demo version 1"));

  std::ifstream in(metrics_path);
  nlohmann::json metrics = nlohmann::json::parse(in, nullptr, false);
  ASSERT_FALSE(metrics.is_discarded()) << "metrics file is not JSON";
  for (const char* key : {"t1", "u", "s", "h"}) {
    SCOPED_TRACE(key);
    ASSERT_TRUE(metrics.contains(key));
    EXPECT_GE(metrics[key].get<double>(), 0.0);
    EXPECT_LE(metrics[key].get<double>(), 1.0);
  }
  EXPECT_EQ(metrics["version"], 1);
  EXPECT_TRUE(std::filesystem::exists(dir + "/snapshots/demo/1/manifest.json"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/snapshots/demo/LATEST"));
  std::filesystem::remove_all(dir);
}

TEST(FeTrainCli, MissingDataFlagIsUsageError) {
  CommandResult result = RunFeTrain("--snapshot_root /tmp/x --model m");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr("--data is required"));
}

TEST(FeTrainCli, MissingDatasetDirectoryNamesThePath) {
  CommandResult result = RunFeTrain(
      "--data /nonexistent/fe-dataset --snapshot_root /tmp/fe-cli-unused "
      "--model m");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr("/nonexistent/fe-dataset"));
}

TEST(FeTrainCli, InvalidOptionValueNamesTheOption) {
  CommandResult result = RunFeTrain(
      "--data synthetic --snapshot_root /tmp/fe-cli-unused --model m "
      "--variant fe-huge");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr("fe-huge"));
  result = RunFeTrain(
      "--data synthetic --snapshot_root /tmp/fe-cli-unused --model m "
      "--batch_size 0");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr("batch_size"));
}

TEST(FeTrainCli, CudaWithoutCudaFailsWithAdvice) {
  const std::string dir = testing::MakeTempDir("fe-train-cli");
  CommandResult result = RunFeTrain(
      "--data synthetic --snapshot_root " + dir + " --model m --epochs 1 "
      "--threads 1 --device cuda");
  if (result.exit_code == 0) {
    GTEST_SKIP() << "this LibTorch has CUDA, so --device=cuda succeeded";
  }
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.output, HasSubstr("--device=cpu"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/m/1"));
  std::filesystem::remove_all(dir);
}

TEST(FeTrainCli, HelpDocumentsFlagsWithDefaults) {
  CommandResult result = RunFeTrain("--help");
  EXPECT_EQ(result.exit_code, 1);  // absl's --help exits with 1
  for (const char* flag :
       {"--data", "--features", "--snapshot_root", "--model", "--epochs",
        "--seed", "--metrics_json", "--device", "--threads", "--n_syn",
        "--dep_weight", "--ins_temperature", "--margin"}) {
    SCOPED_TRACE(flag);
    EXPECT_THAT(result.output, HasSubstr(std::string(flag).substr(2)));
  }
  EXPECT_THAT(result.output, HasSubstr("default: 30"));
}

}  // namespace
}  // namespace fe
