// Each loss against a value worked out by hand (the arithmetic is in the
// comments), plus the gradient penalty on critics with a known gradient.

#include "core/losses.h"

#include <gtest/gtest.h>

#include <cmath>

namespace fe {
namespace {

torch::Tensor Rows(std::vector<std::vector<float>> rows) {
  const int64_t n = static_cast<int64_t>(rows.size());
  const int64_t m = static_cast<int64_t>(rows[0].size());
  torch::Tensor t = torch::empty({n, m});
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < m; ++j) t[i][j] = rows[i][j];
  return t;
}

torch::Tensor Labels(std::vector<int64_t> labels) {
  return torch::tensor(labels, torch::kInt64);
}

double Scalar(const torch::Tensor& t) { return t.item<double>(); }

TEST(ClassificationLoss, MatchesHandComputedCrossEntropy) {
  // Sample 1: logits (0, ln 3), label 1: p = 3/4, loss -ln 0.75 = 0.287682.
  // Sample 2: logits (0, 0), label 0: p = 1/2, loss ln 2 = 0.693147.
  torch::Tensor logits = Rows({{0.0f, std::log(3.0f)}, {0.0f, 0.0f}});
  EXPECT_NEAR(Scalar(ClassificationLoss(logits, Labels({1, 0}))),
              (0.2876821 + 0.6931472) / 2, 1e-6);
}

TEST(DependencyLoss, MatchesHandComputedVariationalBound) {
  // v = (1, 0), table {(1, 0), (0, 1)}, tau = 0.5: scores (2, 0), so
  // -log q(a_0 | x) = log(1 + e^-2) = 0.126928.
  torch::Tensor v = Rows({{1, 0}});
  torch::Tensor table = Rows({{1, 0}, {0, 1}});
  EXPECT_NEAR(Scalar(DependencyLoss(v, table, Labels({0}), 0.5)), 0.1269280,
              1e-6);
  // The other label: -log(1 / (1 + e^2)) = log(1 + e^2) = 2.126928.
  EXPECT_NEAR(Scalar(DependencyLoss(v, table, Labels({1}), 0.5)), 2.1269280,
              1e-6);
}

TEST(RankingLoss, MatchesHandComputedHinge) {
  // Row 1: 0.5 - 1*0.5 + 1*0.2 = 0.2. Row 2: 0.5 - 1 + 0 < 0 gives 0.
  torch::Tensor v = Rows({{1, 0}, {0, 1}});
  torch::Tensor positive = Rows({{0.5f, 0}, {0, 1}});
  torch::Tensor negative = Rows({{0.2f, 0}, {0, 0}});
  EXPECT_NEAR(Scalar(RankingLoss(v, positive, negative, 0.5)), 0.1, 1e-6);
}

TEST(InstanceContrastiveLoss, OneNegativePerAnchor) {
  // z0 = z1 = (1, 0) share a label, z2 = (0, 1) is the negative, eps = 1:
  // for (0, 1) and (1, 0), l = -log(e / (e + e^0)) = log(1 + e^-1).
  torch::Tensor z = Rows({{1, 0}, {1, 0}, {0, 1}});
  EXPECT_NEAR(Scalar(InstanceContrastiveLoss(z, Labels({0, 0, 1}), 1.0)),
              0.3132617, 1e-6);
}

TEST(InstanceContrastiveLoss, SeveralNegatives) {
  // z = (1,0), (0.6,0.8), (0,1), (-1,0); labels 0,0,1,2; eps = 0.5.
  // Pair (0,1): s01 = 1.2, negatives s02 = 0, s03 = -2:
  //   -log(e^1.2 / (e^1.2 + e^0 + e^-2)) = 0.2941286.
  // Pair (1,0): s10 = 1.2, negatives s12 = 1.6, s13 = -1.2:
  //   -log(e^1.2 / (e^1.2 + e^1.6 + e^-1.2)) = 0.9487744.
  torch::Tensor z = Rows({{1, 0}, {0.6f, 0.8f}, {0, 1}, {-1, 0}});
  EXPECT_NEAR(Scalar(InstanceContrastiveLoss(z, Labels({0, 0, 1, 2}), 0.5)),
              (0.2941286 + 0.9487744) / 2, 1e-5);
}

TEST(InstanceContrastiveLoss, NoPositivePairsGivesZero) {
  torch::Tensor z = Rows({{1, 0}, {0, 1}}).requires_grad_(true);
  torch::Tensor loss = InstanceContrastiveLoss(z, Labels({0, 1}), 0.1);
  EXPECT_EQ(Scalar(loss), 0.0);
  loss.backward();  // must stay differentiable
  EXPECT_TRUE(z.grad().defined());
}

TEST(ReconstructionLoss, SquaredFrobeniusPerSample) {
  // Errors (0, 2) and (-1, -1): squared norms 4 and 2, sum 6, over B = 2.
  torch::Tensor x = Rows({{1, 2}, {0, 0}});
  torch::Tensor rec = Rows({{1, 0}, {1, 1}});
  EXPECT_NEAR(Scalar(ReconstructionLoss(x, rec)), 3.0, 1e-6);
}

TEST(WassersteinCriticLoss, FakeMeanMinusRealMean) {
  // mean(0, 2) - mean(1, 3) = 1 - 2 = -1.
  EXPECT_NEAR(Scalar(WassersteinCriticLoss(torch::tensor({1.0f, 3.0f}),
                                           torch::tensor({0.0f, 2.0f}))),
              -1.0, 1e-6);
}

TEST(GradientPenalty, LinearCriticHasConstantGradientNorm) {
  // D(u) = u . w with w = (3, 4): the gradient is w everywhere, its norm
  // 5, so the penalty is (5 - 1)^2 = 16 for any interpolation.
  torch::Tensor w = torch::tensor({3.0f, 4.0f}).requires_grad_(true);
  auto critic = [&](const torch::Tensor& u) { return u.matmul(w); };
  torch::Tensor real = Rows({{1, 2}, {-3, 0.5f}});
  torch::Tensor fake = Rows({{0, 0}, {7, 1}});
  torch::Tensor penalty = GradientPenalty(critic, real, fake);
  EXPECT_NEAR(Scalar(penalty), 16.0, 1e-4);

  // d/dw (||w|| - 1)^2 = 2 (||w|| - 1) w / ||w|| = 8 (0.6, 0.8).
  penalty.backward();
  EXPECT_NEAR(w.grad()[0].item<double>(), 4.8, 1e-4);
  EXPECT_NEAR(w.grad()[1].item<double>(), 6.4, 1e-4);
}

TEST(GradientPenalty, UnitNormCriticHasZeroPenalty) {
  torch::Tensor w = torch::tensor({0.6f, 0.8f});
  auto critic = [&](const torch::Tensor& u) { return u.matmul(w); };
  EXPECT_NEAR(Scalar(GradientPenalty(critic, Rows({{1, 1}}), Rows({{0, 2}}))),
              0.0, 1e-6);
}

TEST(GradientPenalty, QuadraticCriticAtGivenInterpolates) {
  // D(u) = ||u||^2 / 2 has gradient u. Real (2, 0), fake (0, 0):
  // alpha = 0.5 gives u = (1, 0), norm 1, penalty 0; alpha = 1 gives
  // u = (2, 0), norm 2, penalty 1. The mean over both rows is 0.5.
  auto critic = [](const torch::Tensor& u) { return 0.5 * u.pow(2).sum(1); };
  torch::Tensor real = Rows({{2, 0}, {2, 0}});
  torch::Tensor fake = Rows({{0, 0}, {0, 0}});
  torch::Tensor alpha = torch::tensor({0.5f, 1.0f});
  EXPECT_NEAR(Scalar(GradientPenalty(critic, real, fake, alpha)), 0.5, 1e-6);
}

TEST(LogLoss, DiscriminatorAndGeneratorAtZeroLogits) {
  // sigmoid(0) = 1/2, so every term is -log(1/2) = ln 2.
  torch::Tensor zero = torch::zeros({3});
  EXPECT_NEAR(Scalar(LogLossDiscriminator(zero, zero)), 2 * 0.6931472, 1e-6);
  EXPECT_NEAR(Scalar(LogLossGenerator(zero, zero)), 2 * 0.6931472, 1e-6);
  EXPECT_NEAR(Scalar(LogLossGenerator(torch::Tensor(), zero)), 0.6931472,
              1e-6);
}

TEST(LogLoss, DiscriminatorAtConfidentLogits) {
  // Real logit ln 3 (p = 3/4), fake logit -ln 3 (1 - p = 3/4):
  // -log 0.75 - log 0.75 = 0.575364.
  torch::Tensor real = torch::tensor({std::log(3.0f)});
  torch::Tensor fake = torch::tensor({-std::log(3.0f)});
  EXPECT_NEAR(Scalar(LogLossDiscriminator(real, fake)), 2 * 0.2876821, 1e-6);
}

}  // namespace
}  // namespace fe
