#include "core/losses.h"

namespace fe {

namespace F = torch::nn::functional;

torch::Tensor ClassificationLoss(const torch::Tensor& logits,
                                 const torch::Tensor& labels) {
  return F::cross_entropy(logits, labels);
}

torch::Tensor DependencyLoss(const torch::Tensor& virtual_semantics,
                             const torch::Tensor& class_semantics,
                             const torch::Tensor& labels, double temperature) {
  // [B, p] x [p, K] -> [B, K] scores of every class in the table.
  torch::Tensor scores =
      virtual_semantics.matmul(class_semantics.t()) / temperature;
  return F::cross_entropy(scores, labels);
}

torch::Tensor RankingLoss(const torch::Tensor& virtual_semantics,
                          const torch::Tensor& positive_semantics,
                          const torch::Tensor& negative_semantics,
                          double margin) {
  torch::Tensor positive = (virtual_semantics * positive_semantics).sum(1);
  torch::Tensor negative = (virtual_semantics * negative_semantics).sum(1);
  return torch::clamp_min(margin - positive + negative, 0.0).mean();
}

torch::Tensor InstanceContrastiveLoss(const torch::Tensor& projections,
                                      const torch::Tensor& labels,
                                      double temperature) {
  const int64_t batch = projections.size(0);
  // [B, q] x [q, B] -> [B, B] scaled similarities s_ij.
  torch::Tensor similarity = projections.matmul(projections.t()) / temperature;
  torch::Tensor same_label = labels.unsqueeze(1).eq(labels.unsqueeze(0));
  torch::Tensor self = torch::eye(batch, same_label.options());
  torch::Tensor positive_mask = same_label.logical_and(self.logical_not());
  torch::Tensor negative_mask = same_label.logical_not();

  // log sum_{k negative} exp(s_ik), [B, 1]; -inf where i has no negative,
  // so that log(exp(s_ij) + 0) = s_ij below.
  torch::Tensor negatives = similarity.masked_fill(
      negative_mask.logical_not(), -std::numeric_limits<float>::infinity());
  torch::Tensor log_negative_sum = torch::logsumexp(negatives, 1, true);

  // l_ij = log(exp(s_ij) + sum_k exp(s_ik)) - s_ij, computed stably.
  torch::Tensor denominator =
      torch::logaddexp(similarity, log_negative_sum.expand_as(similarity));
  torch::Tensor pair_losses = denominator - similarity;

  // Masking by multiplication instead of masked_select avoids a device
  // synchronisation on CUDA; every l_ij is finite.
  torch::Tensor weights = positive_mask.to(pair_losses.scalar_type());
  return (pair_losses * weights).sum() / weights.sum().clamp_min(1.0);
}

torch::Tensor ReconstructionLoss(const torch::Tensor& features,
                                 const torch::Tensor& reconstructions) {
  return (features - reconstructions).pow(2).sum() / features.size(0);
}

torch::Tensor WassersteinCriticLoss(const torch::Tensor& real_scores,
                                    const torch::Tensor& fake_scores) {
  return fake_scores.mean() - real_scores.mean();
}

torch::Tensor GradientPenalty(
    const std::function<torch::Tensor(const torch::Tensor&)>& critic,
    const torch::Tensor& real_joint, const torch::Tensor& fake_joint,
    const torch::Tensor& alpha) {
  const int64_t batch = real_joint.size(0);
  torch::Tensor weights =
      alpha.defined() ? alpha : torch::rand({batch}, real_joint.options());
  weights = weights.to(real_joint.options()).unsqueeze(1);  // [B, 1]
  torch::Tensor interpolates =
      (weights * real_joint.detach() + (1.0 - weights) * fake_joint.detach())
          .requires_grad_(true);
  torch::Tensor scores = critic(interpolates);
  torch::Tensor gradients =
      torch::autograd::grad({scores}, {interpolates},
                            {torch::ones_like(scores)},
                            /*retain_graph=*/true, /*create_graph=*/true)[0];
  return (gradients.norm(2, 1) - 1.0).pow(2).mean();
}

torch::Tensor LogLossDiscriminator(const torch::Tensor& real_logits,
                                   const torch::Tensor& fake_logits) {
  return F::binary_cross_entropy_with_logits(
             real_logits, torch::ones_like(real_logits)) +
         F::binary_cross_entropy_with_logits(fake_logits,
                                             torch::zeros_like(fake_logits));
}

torch::Tensor LogLossGenerator(const torch::Tensor& real_logits,
                               const torch::Tensor& fake_logits) {
  torch::Tensor loss = F::binary_cross_entropy_with_logits(
      fake_logits, torch::ones_like(fake_logits));
  if (!real_logits.defined()) return loss;
  return loss + F::binary_cross_entropy_with_logits(
                    real_logits, torch::zeros_like(real_logits));
}

}  // namespace fe
