// The losses of the FE model, one free function each.
//
// Notation: B is the batch size, p the semantic dimension, K the number of
// classes in a semantic table. Every function returns a scalar float32
// tensor that autograd can differentiate.

#ifndef FE_CORE_LOSSES_H_
#define FE_CORE_LOSSES_H_

#include <torch/torch.h>

#include <functional>

namespace fe {

// L_cls (FE Eq. 1): the cross-entropy of a frozen classifier on generated
// samples,
//   L_cls = -1/B sum_i log softmax(logits_i)[labels_i].
// logits: [B, K] float32; labels: [B] int64 in [0, K).
torch::Tensor ClassificationLoss(const torch::Tensor& logits,
                                 const torch::Tensor& labels);

// L_dep (FE Eq. 2), the dependency between a generated sample and its
// semantic vector. The paper maximises the mutual information I(x; a) for
// x ~ G(a, z) without naming an estimator. This uses the variational lower
// bound of Barber and Agakov (the InfoGAN form)
//   I(x; a) >= H(a) + E[log q(a | x)],
// where H(a) is constant and q(a | x) is a softmax over the class semantic
// table of the scores N(x)^T a_c / tau. Maximising the bound is minimising
//   L_dep = -1/B sum_i log q(a_{y_i} | x_i)
//         = -1/B sum_i log softmax_c(v_i . a_c / tau)[y_i].
// virtual_semantics: [B, p], N of the generated samples;
// class_semantics: [K, p]; labels: [B] int64 in [0, K); temperature > 0.
torch::Tensor DependencyLoss(const torch::Tensor& virtual_semantics,
                             const torch::Tensor& class_semantics,
                             const torch::Tensor& labels, double temperature);

// L_rank (FE Eq. 3), a margin ranking loss on the virtual semantics of real
// samples:
//   L_rank = 1/B sum_i max(0, margin - v_i . a_i + v_i . a'_i),
// v_i = N(x_i), a_i its class vector, a'_i the vector of another class.
// All three tensors are [B, p]; margin > 0.
torch::Tensor RankingLoss(const torch::Tensor& virtual_semantics,
                          const torch::Tensor& positive_semantics,
                          const torch::Tensor& negative_semantics,
                          double margin);

// L_ins (FE Eq. 6), the supervised instance-level contrastive loss on the
// projections z of the filter module. For an anchor i and a positive j
// (j != i, same label) with s_ij = z_i . z_j / eps,
//   l_ij = -log( exp(s_ij) / (exp(s_ij) + sum_{k: y_k != y_i} exp(s_ik)) ),
// and L_ins is the mean of l_ij over all (anchor, positive) pairs. Anchors
// without a positive in the batch contribute nothing; a batch without any
// pair returns 0.
// projections: [B, q] with unit rows; labels: [B] int64; temperature > 0.
torch::Tensor InstanceContrastiveLoss(const torch::Tensor& projections,
                                      const torch::Tensor& labels,
                                      double temperature);

// L_rec (FE Eq. 7), the squared Frobenius norm of the reconstruction error
// divided by the batch size (the mean over samples of ||x - x_rec||^2), so
// the weight does not depend on the batch size.
// features, reconstructions: [B, d].
torch::Tensor ReconstructionLoss(const torch::Tensor& features,
                                 const torch::Tensor& reconstructions);

// The Wasserstein critic loss, which the critic minimises:
//   L_D = mean(fake_scores) - mean(real_scores).
// real_scores, fake_scores: [B].
torch::Tensor WassersteinCriticLoss(const torch::Tensor& real_scores,
                                    const torch::Tensor& fake_scores);

// The WGAN-GP gradient penalty (Gulrajani et al. 2017) on joint pairs:
//   GP = 1/B sum_i (|| grad_u D(u) at u_i ||_2 - 1)^2,
//   u_i = alpha_i r_i + (1 - alpha_i) f_i,  alpha_i ~ U(0, 1),
// r and f the real and fake joint vectors [x ; semantics] of shape [B, m].
// `critic` maps [B, m] to [B]. The result keeps the graph (create_graph), so
// backpropagating it trains the critic. `alpha` may be given ([B]) to make
// the interpolation deterministic; by default it is drawn.
torch::Tensor GradientPenalty(
    const std::function<torch::Tensor(const torch::Tensor&)>& critic,
    const torch::Tensor& real_joint, const torch::Tensor& fake_joint,
    const torch::Tensor& alpha = {});

// The log-loss discriminator objective of FE Eq. 4, written as a loss to
// minimise with the scores read as logits:
//   L_D = -1/B sum log sigmoid(real) - 1/B sum log(1 - sigmoid(fake)).
torch::Tensor LogLossDiscriminator(const torch::Tensor& real_logits,
                                   const torch::Tensor& fake_logits);

// The non-saturating log-loss for the generator side (G and N), which try
// to make the critic swap its labels:
//   L_G = -1/B sum log sigmoid(fake) - 1/B sum log(1 - sigmoid(real)).
// `real_logits` may be undefined when the real pair has nothing to train
// (the critic sees (x, a)); then only the first term is computed.
torch::Tensor LogLossGenerator(const torch::Tensor& real_logits,
                               const torch::Tensor& fake_logits);

}  // namespace fe

#endif  // FE_CORE_LOSSES_H_
