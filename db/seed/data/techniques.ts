/**
 * Seed taxonomy of mechanistic-interpretability techniques.
 *
 * Umbrella categories have `parents: []` and null facets; every leaf sets all three facets.
 * Descriptions are markdown with KaTeX math; they are written with String.raw so that
 * backslashes reach KaTeX unchanged (never put a backtick or a dollar-brace in them).
 */
import type { SeedTechnique } from "./types";

const md = String.raw;

export const techniques: SeedTechnique[] = [
  // ===========================================================================================
  // Umbrella categories
  // ===========================================================================================
  {
    slug: "probing-and-decoding",
    name: "Probing and decoding",
    summary: "Reading information out of hidden activations with simple trained or statistical readouts",
    description: md`Probing asks whether a property of the input (part of speech, truth value, sentiment, a board state) can be *read off* a model's internal activations. A small readout, usually linear, is fit on frozen activations and its accuracy is taken as evidence that the information is present and accessible.

The family ranges from supervised classifiers to label-free methods and to simple statistics such as class-mean differences. Its central caveat is that decodability is not use: a probe can succeed because it learns the task itself, or because the information is present but ignored by the model. Control tasks, information-theoretic probing and interventional follow-ups (amnesic probing, steering with the probe direction) address this gap.`,
    aliases: ["probing", "diagnostic classifiers", "representation decoding"],
    approach: null,
    direction: null,
    unit: null,
    parents: [],
  },
  {
    slug: "vocabulary-projection",
    name: "Vocabulary projection",
    summary: "Interpreting hidden states and weights by mapping them into the model's own token space",
    description: md`Transformer language models end with an unembedding matrix $W_U$ that turns the final residual state into token logits. Vocabulary-projection methods reuse that map (or a learned variant of it) on *intermediate* states and even on weight vectors, so that any vector in the residual space can be read as a distribution over tokens.

These methods are cheap, need no labels and give a layer-by-layer picture of how a prediction forms. Their weakness is a basis mismatch: early layers do not necessarily speak the language of the final layer, which motivates learned translators (tuned lens) and intervention-based decoders (Patchscopes).`,
    aliases: ["lens methods", "embedding-space analysis"],
    approach: null,
    direction: null,
    unit: null,
    parents: [],
  },
  {
    slug: "neuron-analysis",
    name: "Neuron analysis",
    summary: "Characterising what individual units respond to and what they do",
    description: md`The oldest strand of network interpretability treats each neuron (or channel) as a candidate detector and tries to describe it: by collecting the inputs that excite it most, by synthesising inputs that maximise it, by matching its activation map to labelled concepts, or by asking another model to write and test an explanation.

Neuron-level analysis is concrete and scalable, but polysemanticity (one unit responding to several unrelated things) limits how far it goes in language models; this limitation is a major motivation for dictionary learning.`,
    aliases: ["unit analysis", "single-neuron interpretability"],
    approach: null,
    direction: null,
    unit: null,
    parents: [],
  },
  {
    slug: "dictionary-learning",
    name: "Sparse dictionary learning",
    summary: "Decomposing activations into a large, sparsely active set of learned feature directions",
    description: md`If a model represents more features than it has dimensions (superposition), neurons will be polysemantic and the natural unit of analysis is a direction, not a neuron. Sparse dictionary learning fits an overcomplete dictionary $D \in \mathbb{R}^{d \times m}$ with $m \gg d$ such that each activation is approximated by a sparse, non-negative combination of dictionary atoms:

$$x \approx \sum_i f_i(x)\, d_i, \qquad \|f(x)\|_0 \ll m.$$

Sparse autoencoders are the workhorse; transcoders and crosscoders change what is read and what is reconstructed. The learned features feed into feature-level circuit analysis, steering and auto-interpretation, while a growing literature questions how faithful and useful the dictionaries are.`,
    aliases: ["sparse coding", "feature dictionaries"],
    approach: null,
    direction: null,
    unit: null,
    parents: [],
  },
  {
    slug: "causal-interventions",
    name: "Causal interventions",
    summary: "Changing internal activations and measuring the effect on behaviour to establish causal roles",
    description: md`Observational methods show correlation; interventions test causation. This family runs the model while overwriting some internal quantity (a head output, an MLP state, a subspace) with a value taken from another input, a mean, zero or an optimised value, and measures how the output changes.

Patching, ablation, mediation analysis and causal abstraction differ in what they replace, where the replacement comes from and what hypothesis is being tested, but they share the logic of counterfactual comparison. The results depend strongly on the choice of corrupted input and metric, which is why best-practice papers and faithfulness critiques are part of this area.`,
    aliases: ["interventional interpretability", "counterfactual analysis"],
    approach: null,
    direction: null,
    unit: null,
    parents: [],
  },
  {
    slug: "steering",
    name: "Activation steering",
    summary: "Controlling model behaviour at inference time by editing activations along chosen directions",
    description: md`Activation steering adds, subtracts or projects out vectors in the residual stream during the forward pass to push generation towards or away from a behaviour, with the weights left untouched. In its simplest form a steering vector $v$ is added at layer $\ell$:

$$h_\ell \leftarrow h_\ell + \alpha\, v,$$

where the coefficient $\alpha$ sets strength and sign. Methods differ in how $v$ is obtained: from a single prompt pair, from averaged contrastive activations, from probes, from dictionary features or by direct optimisation. Steering is both a control tool and an interpretability test: if adding a direction reliably produces a concept, that is evidence the model uses it. Reliability across inputs and the cost to fluency remain open issues.`,
    aliases: ["activation engineering", "representation control", "steering vectors"],
    approach: null,
    direction: null,
    unit: null,
    parents: [],
  },
  {
    slug: "concept-erasure",
    name: "Concept erasure",
    summary: "Removing the information about a concept from representations while preserving the rest",
    description: md`Concept erasure edits representations so that a concept (a protected attribute, a behaviour such as refusal) can no longer be recovered, typically by any linear classifier, while changing the representation as little as possible. Most methods apply a projection

$$x \mapsto P x, \qquad P \text{ a (possibly oblique) projection removing a subspace},$$

and differ in how the subspace is chosen: iteratively from probes, through a minimax game, or in closed form. Erasure is used for debiasing, for causal analysis (does the model still work when the concept is gone?) and for model-behaviour edits such as removing refusal.`,
    aliases: ["concept removal", "linear erasure"],
    approach: null,
    direction: null,
    unit: null,
    parents: [],
  },
  {
    slug: "circuit-discovery",
    name: "Circuit discovery",
    summary: "Finding the subgraph of components and connections that implements a specific behaviour",
    description: md`A circuit is a subgraph of the model's computational graph (heads, MLPs, features and the edges between them) that is sufficient to reproduce a behaviour on a task distribution and that can be given a human-readable algorithmic description.

Circuit work started with manual case studies (curve detectors, induction heads, indirect object identification) and moved to automated search over edges with patching, gradient approximations or learned masks, and more recently to graphs over sparse features rather than raw components. Faithfulness, completeness and minimality are the usual criteria, and all three depend on the ablation scheme used to measure them.`,
    aliases: ["circuits", "mechanistic circuit analysis"],
    approach: null,
    direction: null,
    unit: null,
    parents: [],
  },
  {
    slug: "evaluation-benchmarks",
    name: "Evaluation benchmarks",
    summary: "Standardised tasks, models and metrics for comparing interpretability methods",
    description: md`Interpretability methods are hard to evaluate because the ground-truth mechanism is usually unknown. Benchmarks tackle this by fixing tasks and metrics, by supplying models whose mechanisms are known by construction, or by scoring methods on downstream uses such as steering, concept detection and disentanglement.

Results from these benchmarks have been sobering in places (for example, simple supervised baselines often beat sparse-autoencoder features), which makes them an important check on claims of progress.`,
    aliases: ["interpretability benchmarks", "evaluation"],
    approach: null,
    direction: null,
    unit: null,
    parents: [],
  },

  // ===========================================================================================
  // Probing and decoding
  // ===========================================================================================
  {
    slug: "linear-probing",
    name: "Linear probing",
    summary: "Training a linear classifier on frozen activations to test whether a property is linearly decodable",
    description: md`A linear probe is a logistic-regression (or linear-regression) model trained on activations $h_\ell(x)$ from a fixed layer to predict a label $y$:

$$\hat y = \sigma(w^\top h_\ell(x) + b).$$

High held-out accuracy is read as evidence that the property is represented, and linearly so, at that layer; sweeping layers yields a profile of where information appears and disappears. The learned weight vector $w$ also gives a candidate *direction* for the concept, which later methods reuse for steering or erasure.

Caveats: a sufficiently expressive probe can learn the task on its own, accuracy says nothing about whether the model uses the information, and correlated features can be decoded without being the target concept. Control tasks, baselines on random representations and causal follow-ups are the standard remedies.`,
    aliases: ["linear classifier probes", "diagnostic classifier", "probe"],
    approach: "observational",
    direction: "top-down",
    unit: "direction",
    parents: ["probing-and-decoding"],
  },
  {
    slug: "control-tasks",
    name: "Control tasks (probe selectivity)",
    summary: "Checking that a probe's accuracy reflects the representation rather than the probe memorising the task",
    description: md`A control task keeps the inputs and output space of a probing task but assigns each word type a random, fixed label. The labels carry no linguistic signal, so any accuracy a probe reaches on them measures its own capacity to memorise.

The key quantity is **selectivity**:

$$\text{selectivity} = \text{acc}_{\text{linguistic task}} - \text{acc}_{\text{control task}}.$$

A good probe is accurate on the real task and poor on the control. Comparing probe families under this lens shows that expressive MLP probes can look impressive while being unselective, and that restricting capacity (linear or low-rank probes, strong regularisation) is usually preferable.`,
    aliases: ["selectivity", "control task"],
    approach: "observational",
    direction: "top-down",
    unit: "direction",
    parents: ["probing-and-decoding"],
    uses: ["linear-probing"],
  },
  {
    slug: "information-theoretic-probing",
    name: "Information-theoretic probing (MDL)",
    summary: "Scoring probes by how compactly the labels can be encoded given the representation",
    description: md`Instead of reporting probe accuracy, information-theoretic probing asks how much information the representation carries about the labels and how easy it is to extract. The minimum-description-length (MDL) variant measures the codelength needed to transmit the labels using the probe as a model, for example with online coding: train on growing prefixes of the data and sum the cost of encoding each next block,

$$L_{\text{online}} = \sum_{k} -\log_2 p_{\theta_k}(y_{t_k+1:t_{k+1}} \mid x_{t_k+1:t_{k+1}}).$$

Shorter codes mean the property is both present and easy to extract. Compared with accuracy, MDL is stable across random seeds and probe sizes and separates real representations from random baselines more clearly, which addresses the same concern as control tasks from a different angle.`,
    aliases: ["MDL probing", "minimum description length probing", "online code probing"],
    approach: "observational",
    direction: "top-down",
    unit: "direction",
    parents: ["probing-and-decoding"],
    uses: ["linear-probing"],
    alternativeTo: ["control-tasks"],
  },
  {
    slug: "structural-probe",
    name: "Structural probe",
    summary: "A linear map under which distances between word vectors recover syntactic tree distances",
    description: md`The structural probe learns a linear transformation $B$ such that squared distances in the transformed space approximate distances between words in the dependency parse tree:

$$d_B(h_i, h_j)^2 = (h_i - h_j)^\top B^\top B\, (h_i - h_j) \approx d_{\text{tree}}(w_i, w_j).$$

A companion depth probe uses the squared norm $\|B h_i\|^2$ to predict a word's depth in the tree. Finding such a low-rank map shows that whole syntax trees are embedded geometrically in contextual representations, not just individual labels, and it illustrates probing for *structure* rather than for a single classification target.`,
    aliases: ["syntax probe", "distance probe"],
    approach: "observational",
    direction: "top-down",
    unit: "subspace",
    parents: ["linear-probing"],
  },
  {
    slug: "sparse-probing",
    name: "Sparse probing",
    summary: "Probes restricted to k neurons to localise which individual units carry a feature",
    description: md`Sparse probing trains a classifier that may only read $k$ neurons:

$$\min_{w,b} \; \mathcal{L}(w^\top h + b, y) \quad \text{s.t.} \quad \|w\|_0 \le k.$$

Sweeping $k$ from 1 upwards shows how concentrated a feature is: if one neuron already separates the classes the feature may be monosemantically encoded, while if many neurons are needed it is likely spread out in superposition. The method doubles as a neuron-localisation tool and has been used to study how representation sparsity changes with depth and model scale. Comparing sparse probes on raw neurons with probes on dictionary features is also a common way to test whether sparse autoencoders help downstream.`,
    aliases: ["k-sparse probing"],
    approach: "observational",
    direction: "top-down",
    unit: "neuron",
    parents: ["linear-probing", "neuron-analysis"],
  },
  {
    slug: "amnesic-probing",
    name: "Amnesic probing",
    summary: "Erasing a probed property and measuring how much the model's own predictions change",
    description: md`Amnesic probing turns a probing question into a causal one. Instead of asking whether property $Z$ is decodable, it removes $Z$ from the representation with a linear erasure method and checks whether the model's behaviour (for example masked-word prediction) degrades:

$$\Delta = \mathcal{L}\big(f(P_{\neg Z}\, h)\big) - \mathcal{L}\big(f(h)\big).$$

A large change means the property was used; a small change means it was merely present. A control that removes an equal number of random directions separates the effect of the concept from the effect of removing dimensions. The central finding, that probing accuracy and behavioural importance can diverge, is a standard argument for pairing probes with interventions.`,
    aliases: ["amnesic counterfactuals"],
    approach: "interventional",
    direction: "top-down",
    unit: "subspace",
    parents: ["probing-and-decoding"],
    uses: ["inlp"],
  },
  {
    slug: "diffmean",
    name: "Difference-in-means direction (diffmean)",
    summary: "The vector between class-conditional mean activations, used as a concept direction",
    description: md`Given activations for inputs with and without a concept, the difference-in-means (also called mass-mean) direction is

$$v = \mu^+ - \mu^-, \qquad \mu^{\pm} = \frac{1}{|\mathcal{D}^{\pm}|}\sum_{x \in \mathcal{D}^{\pm}} h_\ell(x).$$

It can be used as a probe (score $v^\top h$), as a steering vector (add $\alpha v$), or as a direction to remove. Despite its simplicity it is a strong baseline: it needs no optimisation, is robust to small datasets, and often identifies directions that are more causally effective than the weight vector of a logistic-regression probe, which can latch onto correlated but unused features. Theory for linear erasure also shows that the span of the difference in class means is exactly what must be removed to make a binary concept linearly undetectable.

Many later methods are built on this statistic: contrastive activation addition averages paired differences, the refusal direction is a diffmean direction, and benchmark comparisons repeatedly find diffmean competitive with much heavier methods.`,
    aliases: ["DiffMean", "mass-mean probe", "mean difference", "difference of means"],
    approach: "observational",
    direction: "top-down",
    unit: "direction",
    parents: ["probing-and-decoding"],
    alternativeTo: ["linear-probing"],
  },
  {
    slug: "representation-engineering",
    name: "Representation engineering (RepE)",
    summary: "Top-down reading and control of high-level concepts via population-level representation directions",
    description: md`Representation engineering treats population-level activity, rather than neurons or circuits, as the unit of analysis. Its reading procedure, Linear Artificial Tomography (LAT), prompts the model with stimuli designed to elicit a concept (honesty, harmfulness, emotion), collects activations and extracts a direction, for example the first principal component of differences between paired activations:

$$v = \operatorname{PC}_1\big(\{ h_\ell(x_i^+) - h_\ell(x_i^-) \}_i\big).$$

The projection $v^\top h$ then serves as a monitor for the concept across layers and tokens, and the same vectors can be added or subtracted for control. RepE framed a research agenda of "top-down" transparency and provided baselines for honesty monitoring, jailbreak detection and behaviour control; its readers are close cousins of diffmean and linear probes.`,
    aliases: ["RepE", "representation reading", "Linear Artificial Tomography", "LAT"],
    approach: "observational",
    direction: "top-down",
    unit: "direction",
    parents: ["probing-and-decoding"],
    alternativeTo: ["linear-probing", "diffmean"],
  },
  {
    slug: "contrast-consistent-search",
    name: "Contrast-consistent search (CCS)",
    summary: "An unsupervised probe that finds a direction satisfying logical consistency between a statement and its negation",
    description: md`CCS looks for a truth-like direction without labels. For each question it builds a contrast pair, the statement answered "yes" ($x^+$) and "no" ($x^-$), normalises their activations and trains a probe $p$ so that the two probabilities are consistent and confident:

$$\mathcal{L} = \big(p(x^+) - (1 - p(x^-))\big)^2 + \min\big(p(x^+), p(x^-)\big)^2.$$

The hope was to elicit what a model "knows" even where its outputs are unreliable. Follow-up work showed that the consistency objective is satisfied by many features other than truth, so CCS often recovers whatever contrast is most salient in the activations; it is now mainly of interest as a case study in unsupervised probing.`,
    aliases: ["CCS", "unsupervised probing"],
    approach: "observational",
    direction: "top-down",
    unit: "direction",
    parents: ["probing-and-decoding"],
    alternativeTo: ["linear-probing"],
  },
  {
    slug: "concept-activation-vectors",
    name: "Concept activation vectors (TCAV)",
    summary: "Probe directions for user-defined concepts, used to measure how sensitive a prediction is to the concept",
    description: md`A concept activation vector (CAV) is the normal vector $v_C$ of a linear classifier that separates activations of concept examples (for example, striped images) from random examples. TCAV then asks how much a class prediction depends on that concept by taking directional derivatives of the class logit $f_k$ along the CAV,

$$S_{C,k}(x) = \nabla_{h} f_k(h_\ell(x)) \cdot v_C,$$

and reporting the fraction of class inputs with positive sensitivity, with significance tests against CAVs trained on random concept sets. It was one of the first methods to express explanations in terms of human concepts rather than input pixels, and it anticipates the direction-based methods used on language models today.`,
    aliases: ["TCAV", "CAV", "testing with concept activation vectors"],
    approach: "observational",
    direction: "top-down",
    unit: "direction",
    parents: ["linear-probing"],
  },

  // ===========================================================================================
  // Vocabulary projection
  // ===========================================================================================
  {
    slug: "logit-lens",
    name: "Logit lens",
    summary: "Decoding intermediate residual states with the model's own final norm and unembedding",
    description: md`The logit lens applies the model's final layer norm and unembedding to the residual stream at an intermediate layer $\ell$, as if the model stopped there:

$$\text{logits}_\ell = W_U\,\mathrm{LN}(h_\ell).$$

Plotting the top tokens across layers shows predictions that are refined gradually, often with the final answer appearing well before the last layer. The method is free, label-free and works on any decoder-only transformer. It is unreliable on some models and on early layers, where the residual basis has not yet aligned with the output space, and it can be misled by representational drift between layers; these limitations motivated the tuned lens.`,
    aliases: ["logit-lens"],
    approach: "observational",
    direction: "bottom-up",
    unit: "whole-model",
    parents: ["vocabulary-projection"],
  },
  {
    slug: "tuned-lens",
    name: "Tuned lens",
    summary: "A logit lens with a learned affine translator per layer, trained to match the final output distribution",
    description: md`The tuned lens inserts a small learned affine map $A_\ell h + b_\ell$ before the unembedding for each layer and trains it to minimise the divergence between the lens prediction and the model's final distribution:

$$\min_{A_\ell, b_\ell}\; \mathbb{E}_x\, \mathrm{KL}\Big(p_{\text{final}}(x) \,\Big\|\, \operatorname{softmax}\big(W_U\,\mathrm{LN}(A_\ell h_\ell + b_\ell)\big)\Big).$$

The translators correct for basis drift between layers, giving better-calibrated and less biased layer-wise predictions than the logit lens, and the features they rely on are shown to be causally used by the model. Latent predictions from the tuned lens have also been used to detect anomalous inputs such as prompt injections.`,
    aliases: ["tuned-lens", "learned lens"],
    approach: "observational",
    direction: "bottom-up",
    unit: "whole-model",
    parents: ["vocabulary-projection"],
    alternativeTo: ["logit-lens"],
  },
  {
    slug: "weight-vocabulary-projection",
    name: "Parameter projection into vocabulary space",
    summary: "Reading weights such as MLP value vectors directly as distributions over tokens",
    description: md`A transformer MLP can be viewed as a key-value memory: each hidden neuron $i$ has a key (a row of $W_{\text{in}}$) that detects input patterns and a value (a column $v_i$ of $W_{\text{out}}$) that is added to the residual stream when the neuron fires. Projecting the value through the unembedding,

$$\text{tokens promoted by neuron } i = \operatorname{top-}k\big(W_U v_i\big),$$

often reveals coherent token sets. The same idea extends to attention matrices and to comparing parameters across models that share a vocabulary. Because it needs no forward passes, parameter projection is an input-independent complement to activation-based lenses; it inherits their basis caveats.`,
    aliases: ["embedding-space analysis", "zero-pass interpretation", "key-value memories"],
    approach: "observational",
    direction: "bottom-up",
    unit: "neuron",
    parents: ["vocabulary-projection"],
  },
  {
    slug: "patchscopes",
    name: "Patchscopes",
    summary: "Decoding a hidden representation by patching it into a separate inspection prompt and letting the model describe it",
    description: md`Patchscopes uses the model itself as the decoder. A hidden state $h^S_{\ell}$ from a source prompt is patched into a chosen position and layer $\ell^*$ of a target prompt designed to elicit a particular kind of answer (for example an identity prompt of the form "cat is cat; 135 is 135; x is"), and the model's continuation is read as a description of the patched content:

$$h^T_{\ell^*, i^*} \leftarrow g\big(h^S_{\ell, i}\big).$$

With an identity target and the last layer this reduces to vocabulary projection, so the logit and tuned lenses are special cases. Choosing other prompts, layers or even a different, larger model allows richer questions such as entity resolution or attribute extraction, and works better than lenses on early layers.`,
    aliases: ["patchscope", "self-interpretation by patching"],
    approach: "interventional",
    direction: "bottom-up",
    unit: "whole-model",
    parents: ["vocabulary-projection"],
    uses: ["activation-patching"],
    alternativeTo: ["logit-lens", "tuned-lens"],
  },

  // ===========================================================================================
  // Neuron analysis
  // ===========================================================================================
  {
    slug: "max-activating-examples",
    name: "Maximally activating examples",
    summary: "Describing a unit by the dataset inputs that excite it most strongly",
    description: md`For a neuron or feature $a$, collect the dataset examples (images, tokens with context) that maximise its activation,

$$\mathcal{E}_a = \operatorname{top-}k_{x \in \mathcal{D}}\; a(x),$$

and inspect what they have in common. Often the top examples are complemented by samples from lower activation quantiles and by the output effects of the unit (for example the logits it promotes) to give a fuller picture.

It is the default first look at any unit and underlies most automated explanation pipelines. Its known pitfalls: top examples cover only the extreme tail, the apparent concept can depend on the dataset used, and polysemantic units can look monosemantic if only the top few examples are examined.`,
    aliases: ["top-activating examples", "dataset examples", "max activations"],
    approach: "observational",
    direction: "bottom-up",
    unit: "neuron",
    parents: ["neuron-analysis"],
  },
  {
    slug: "automated-neuron-explanation",
    name: "Automated neuron explanation (auto-interp)",
    summary: "Using a language model to write natural-language explanations of units and to score them by simulation",
    description: md`Automated interpretability scales neuron description with a three-step loop: (1) an explainer model reads activation records (text with per-token activations) and proposes a short explanation; (2) a simulator model predicts activations on held-out text from the explanation alone; (3) the explanation is scored by the agreement between simulated and real activations, for example

$$\text{score} = \operatorname{corr}\big(\hat a(x), a(x)\big).$$

The approach has been applied to every MLP neuron of a mid-sized model and, more cheaply, to millions of sparse-autoencoder features with scoring variants such as detection, fuzzing and intervention-based scoring. Critiques point out that correlation-style scores can reward vague explanations and say little about the causal role of a unit, so explanations are increasingly tested with interventions as well.`,
    aliases: ["auto-interp", "automated interpretability", "explain-simulate-score"],
    approach: "observational",
    direction: "bottom-up",
    unit: "neuron",
    parents: ["neuron-analysis"],
    uses: ["max-activating-examples"],
  },
  {
    slug: "network-dissection",
    name: "Network dissection",
    summary: "Scoring each convolutional unit against a densely labelled concept dataset by segmentation overlap",
    description: md`Network dissection evaluates every unit of a vision network against a broad set of pixel-labelled concepts (objects, parts, textures, colours). Each unit's activation map is thresholded at a high quantile and compared with each concept's segmentation mask using intersection over union,

$$\mathrm{IoU}_{u,c} = \frac{\sum_x |M_u(x) \cap L_c(x)|}{\sum_x |M_u(x) \cup L_c(x)|},$$

and the unit is labelled with the best-matching concept when the IoU exceeds a cutoff. This turned "is this unit interpretable?" into a measurable quantity that can be compared across architectures and training regimes. Compositional extensions search over logical formulas of concepts, which exposes polysemantic units that a single label would hide.`,
    aliases: ["NetDissect", "dissection"],
    approach: "observational",
    direction: "bottom-up",
    unit: "neuron",
    parents: ["neuron-analysis"],
  },
  {
    slug: "feature-visualization",
    name: "Feature visualization",
    summary: "Synthesising inputs that maximally activate a unit by optimising the input itself",
    description: md`Feature visualization optimises an input to maximise a unit's activation,

$$x^* = \arg\max_x \; a(x) - \lambda\, R(x),$$

where the regulariser $R$ (frequency penalties, transformation robustness, a learned image prior or a change of parameterisation) keeps the result from collapsing into adversarial high-frequency noise. Complementary variants visualise directions, channels, diversity across multiple optima and interactions between neurons.

The method gave the striking pictures of curve detectors, dog-head detectors and polysemantic units in vision models that seeded the circuits research programme. It is much less direct for language models because the input space is discrete.`,
    aliases: ["activation maximization", "feature vis"],
    approach: "observational",
    direction: "bottom-up",
    unit: "neuron",
    parents: ["neuron-analysis"],
  },

  // ===========================================================================================
  // Dictionary learning
  // ===========================================================================================
  {
    slug: "superposition-toy-models",
    name: "Toy models of superposition",
    summary: "Small synthetic networks that show when and how models store more features than dimensions",
    description: md`Toy models of superposition train tiny networks, for example

$$\hat x = \operatorname{ReLU}(W^\top W x + b), \qquad W \in \mathbb{R}^{m \times n},\; m < n,$$

on synthetic inputs whose $n$ features are sparse and have varying importance. When features are dense the model keeps only the most important ones in orthogonal directions; as sparsity grows it packs more features than dimensions into nearly orthogonal directions, tolerating interference that the nonlinearity filters out. The features arrange themselves in striking geometric configurations (antipodal pairs, pentagons, tetrahedra) with phase changes between regimes.

These models made the superposition hypothesis concrete, explained why neurons in real models are polysemantic, and motivated sparse dictionary learning as the way to recover the underlying features.`,
    aliases: ["superposition", "superposition hypothesis", "polysemanticity toy models"],
    approach: "observational",
    direction: "bottom-up",
    unit: "feature",
    parents: ["dictionary-learning"],
  },
  {
    slug: "sparse-autoencoders",
    name: "Sparse autoencoders (SAEs)",
    summary: "An overcomplete autoencoder with a sparsity penalty that decomposes activations into interpretable features",
    description: md`A sparse autoencoder maps an activation $x \in \mathbb{R}^d$ to a wide, sparse code and back:

$$f(x) = \operatorname{ReLU}(W_{\text{enc}}(x - b_{\text{dec}}) + b_{\text{enc}}), \qquad \hat x = W_{\text{dec}} f(x) + b_{\text{dec}},$$

trained with a reconstruction term plus a sparsity penalty,

$$\mathcal{L} = \|x - \hat x\|_2^2 + \lambda \sum_i f_i(x)\,\|W_{\text{dec},i}\|_2.$$

Each decoder column is a feature direction; features are typically far more monosemantic than neurons and have been scaled to millions of features in frontier models, including safety-relevant concepts that can be used for steering. SAE quality is assessed with reconstruction (variance explained, downstream loss when spliced in), sparsity ($L_0$), auto-interpretability scores and downstream tasks.

Known problems include dead and dense features, shrinkage of activations from the $L_1$ penalty, feature splitting and absorption, and mixed evidence that SAE features beat simple supervised baselines on downstream tasks. Architectural variants (TopK, gated, JumpReLU, end-to-end) target these issues.`,
    aliases: ["SAE", "SAEs", "sparse dictionary"],
    approach: "observational",
    direction: "bottom-up",
    unit: "feature",
    parents: ["dictionary-learning"],
  },
  {
    slug: "topk-sae",
    name: "TopK sparse autoencoder",
    summary: "An SAE that keeps only the k largest latent pre-activations, controlling sparsity directly",
    description: md`A TopK SAE replaces the $L_1$ penalty with a hard activation function that keeps the $k$ largest latents and zeroes the rest:

$$f(x) = \operatorname{TopK}\big(W_{\text{enc}}(x - b_{\text{dec}})\big).$$

Sparsity is set directly by $k$ instead of being tuned through a penalty coefficient, and the shrinkage bias of $L_1$ disappears. The idea goes back to k-sparse autoencoders; in language-model interpretability it was shown to scale cleanly, with power-law relations between dictionary size, $k$ and reconstruction error, and with techniques that largely eliminate dead latents. BatchTopK relaxes the constraint to an average of $k$ per example across a batch.`,
    aliases: ["k-sparse autoencoder", "TopK SAE", "BatchTopK"],
    approach: "observational",
    direction: "bottom-up",
    unit: "feature",
    parents: ["sparse-autoencoders"],
  },
  {
    slug: "gated-sae",
    name: "Gated sparse autoencoder",
    summary: "An SAE that separates deciding which features fire from estimating how strongly they fire",
    description: md`The $L_1$ penalty in a standard SAE pushes every active feature's magnitude towards zero (shrinkage). A gated SAE splits the encoder into two paths that share weights up to a rescaling: a gate that decides which features are active and a magnitude path that estimates their size,

$$f(x) = \mathbb{1}\big[\pi_{\text{gate}}(x) > 0\big] \odot \operatorname{ReLU}\big(\pi_{\text{mag}}(x)\big),$$

and applies the sparsity penalty only to the gate. This removes shrinkage and gives a Pareto improvement in reconstruction versus sparsity, with interpretability comparable to standard SAEs.`,
    aliases: ["Gated SAE"],
    approach: "observational",
    direction: "bottom-up",
    unit: "feature",
    parents: ["sparse-autoencoders"],
  },
  {
    slug: "jumprelu-sae",
    name: "JumpReLU sparse autoencoder",
    summary: "An SAE with a per-feature learned threshold, trained with straight-through gradient estimates",
    description: md`JumpReLU SAEs use a discontinuous activation that passes a pre-activation only when it exceeds a learned per-feature threshold $\theta_i$:

$$\operatorname{JumpReLU}_\theta(z)_i = z_i\, H(z_i - \theta_i),$$

with $H$ the Heaviside step. Sparsity is penalised directly through an $L_0$ term, and the non-differentiable threshold is trained with straight-through estimators based on kernel density estimates. The result matches or beats gated and TopK SAEs in reconstruction at fixed sparsity while remaining simple to run; JumpReLU is the architecture behind widely used open SAE suites for open-weight models.`,
    aliases: ["JumpReLU SAE"],
    approach: "observational",
    direction: "bottom-up",
    unit: "feature",
    parents: ["sparse-autoencoders"],
    alternativeTo: ["gated-sae", "topk-sae"],
  },
  {
    slug: "end-to-end-sae",
    name: "End-to-end sparse dictionary learning (e2e SAE)",
    summary: "Training SAEs to preserve the model's output distribution rather than to reconstruct activations",
    description: md`A standard SAE minimises local reconstruction error, which may spend capacity on directions the model never uses. An end-to-end SAE is trained so that the model with the SAE spliced in behaves like the original:

$$\mathcal{L}_{\text{e2e}} = \mathrm{KL}\big(p(\cdot \mid x)\,\big\|\,p_{\text{SAE}}(\cdot \mid x)\big) + \lambda\,\|f(x)\|_1,$$

optionally adding reconstruction losses at downstream layers to keep later activations on-distribution. E2e SAEs explain more of the network's performance with fewer active and fewer total features, making the dictionary focus on functionally important directions.`,
    aliases: ["e2e SAE", "end-to-end SAE"],
    approach: "observational",
    direction: "bottom-up",
    unit: "feature",
    parents: ["sparse-autoencoders"],
  },
  {
    slug: "transcoders",
    name: "Transcoders",
    summary: "Sparse dictionaries that map a layer's input to its output, replacing an MLP with an interpretable approximation",
    description: md`A transcoder has the encoder-decoder shape of an SAE but is trained to *predict the output* of a component (usually an MLP sublayer) from its input, rather than to reconstruct the same activation:

$$\widehat{\mathrm{MLP}}(x) = W_{\text{dec}}\,\operatorname{ReLU}(W_{\text{enc}} x + b_{\text{enc}}) + b_{\text{dec}}, \qquad \mathcal{L} = \|\mathrm{MLP}(x) - \widehat{\mathrm{MLP}}(x)\|^2 + \lambda\|f\|_1.$$

Because the sparse layer replaces the MLP's nonlinearity, the contribution of one transcoder feature to another is given by weights (input-invariant) plus the source activation, which makes feature-level circuit analysis through MLPs much cleaner than with SAEs. Skip transcoders add an affine bypass to improve reconstruction; cross-layer transcoders let a feature write to all later layers and are the basis of attribution graphs.`,
    aliases: ["transcoder", "skip transcoder", "cross-layer transcoder", "CLT"],
    approach: "observational",
    direction: "bottom-up",
    unit: "feature",
    parents: ["dictionary-learning"],
    alternativeTo: ["sparse-autoencoders"],
  },
  {
    slug: "crosscoders",
    name: "Crosscoders",
    summary: "Sparse dictionaries that read from and write to several layers or models with one shared set of features",
    description: md`A crosscoder learns a single sparse latent space from activations at several sites (layers of one model, or the same layer in two models). Each site $s$ has its own encoder and decoder weights, but the feature activations are shared:

$$f(x) = \operatorname{ReLU}\Big(\sum_s W^{s}_{\text{enc}}\, x^s + b_{\text{enc}}\Big), \qquad \hat x^s = W^{s}_{\text{dec}} f(x) + b^{s}_{\text{dec}}.$$

Across layers this resolves features that persist or are computed gradually over depth (cross-layer superposition) and removes duplicated features from circuit graphs. Across models it supports model diffing: features whose decoder norm is large in one model and near zero in the other are candidates for what fine-tuning added or removed.`,
    aliases: ["crosscoder", "sparse crosscoder", "model diffing"],
    approach: "observational",
    direction: "bottom-up",
    unit: "feature",
    parents: ["dictionary-learning"],
    alternativeTo: ["sparse-autoencoders"],
  },

  // ===========================================================================================
  // Causal interventions
  // ===========================================================================================
  {
    slug: "causal-mediation-analysis",
    name: "Causal mediation analysis",
    summary: "Decomposing a model's behaviour into direct and indirect effects through neurons and attention heads",
    description: md`Causal mediation analysis borrows the mediator framework from statistics. An intervention on the input (for example, swapping "he" for "she") changes the output $y$; the question is how much of that change flows through a given component $z$. The **indirect effect** sets $z$ to the value it would take under the intervened input while keeping everything else at the original input:

$$\mathrm{IE}(z) = \mathbb{E}\big[\,y\big(x, z(x')\big) - y(x)\,\big],$$

and the **direct effect** does the opposite. Applied to gender bias in language models, this showed effects concentrated in a small set of neurons and heads that act together. The framework is the conceptual ancestor of activation patching and causal tracing.`,
    aliases: ["mediation analysis", "indirect effect"],
    approach: "interventional",
    direction: "bottom-up",
    unit: "neuron",
    parents: ["causal-interventions"],
  },
  {
    slug: "activation-patching",
    name: "Activation patching",
    summary: "Replacing a component's activation with its value from a different input and measuring the change in output",
    description: md`Activation patching (interchange intervention) runs the model on a clean input $x_c$ and a corrupted input $x_r$ that differ in one key respect, then re-runs one of them with a single component's activation taken from the other run. With a metric $m$ such as the logit difference between correct and incorrect answers,

$$\text{effect}(z) = m\big(x_r;\; z \leftarrow z(x_c)\big) - m(x_r)$$

measures how much restoring $z$ recovers clean behaviour (denoising); patching corrupted values into the clean run measures necessity (noising). Sweeping components, layers and positions produces a map of where task-relevant information lives.

Results depend on design choices: how the corruption is built (a minimal counterfactual versus Gaussian noise), the metric (logit difference versus probability), and the granularity of the patched site. Patching arbitrary subspaces can also create illusory effects by activating dormant pathways. Careful practice pairs patching with clear hypotheses and faithfulness checks.`,
    aliases: ["interchange intervention", "causal patching", "resample patching"],
    approach: "interventional",
    direction: "bottom-up",
    unit: "circuit",
    parents: ["causal-interventions"],
    alternativeTo: ["ablation"],
  },
  {
    slug: "causal-tracing",
    name: "Causal tracing",
    summary: "Corrupting the subject tokens with noise and restoring individual hidden states to locate stored facts",
    description: md`Causal tracing localises factual recall. The model reads a prompt such as "The Space Needle is in the city of", the embeddings of the subject tokens are corrupted with Gaussian noise, and then individual hidden states from the clean run are restored one at a time (state $h_{i}^{\ell}$ at token $i$ and layer $\ell$). The indirect effect of each state is the recovered probability of the correct answer:

$$\mathrm{IE}(i,\ell) = P\big[o \mid \text{corrupt},\, h_i^\ell \leftarrow h_i^\ell(\text{clean})\big] - P\big[o \mid \text{corrupt}\big].$$

Maps of these effects highlighted mid-layer MLPs at the last subject token, which motivated rank-one model editing. Later work found that these localisation results do not predict which layer is best to edit, a reminder that causal localisation and controllability are different questions.`,
    aliases: ["noise-restoration patching", "causal trace", "ROME causal tracing", "locating factual associations"],
    approach: "interventional",
    direction: "bottom-up",
    unit: "circuit",
    parents: ["activation-patching"],
  },
  {
    slug: "path-patching",
    name: "Path patching",
    summary: "Patching the effect of one component on another along a specific path instead of the component as a whole",
    description: md`Activation patching measures a component's total effect. Path patching isolates the effect transmitted along a particular edge or path, for example from head $A$ to the queries of head $B$, by patching $A$'s corrupted output only into the input of $B$ while freezing everything else:

$$\text{effect}(A \to B) = m\big(x_c;\; \text{in}_B \leftarrow \text{in}_B \text{ with } A(x_c) \text{ replaced by } A(x_r)\big) - m(x_c).$$

Iterating backwards from the logits recovers the chain of components that implement a behaviour, as in the indirect-object-identification circuit. Formalisations treat path patching as testing a hypothesis that only specified paths matter, and relate it to causal scrubbing.`,
    aliases: ["edge patching", "path-specific patching"],
    approach: "interventional",
    direction: "bottom-up",
    unit: "circuit",
    parents: ["activation-patching"],
  },
  {
    slug: "ablation",
    name: "Component ablation (zero, mean, resample)",
    summary: "Removing a component's contribution by replacing it with zero, its mean or values from other inputs",
    description: md`Ablation asks what happens when a component is "turned off". The choice of replacement value matters a great deal:

- **zero ablation** sets the output to $0$, which can push the model far off-distribution;
- **mean ablation** uses $\mathbb{E}_{x'}[z(x')]$ over a reference distribution;
- **resample ablation** uses $z(x')$ for a randomly drawn $x'$, preserving the distribution of values;
- **optimal ablation** uses the constant $c^* = \arg\min_c \mathbb{E}_x\, \mathcal{L}(x; z \leftarrow c)$, which removes information while staying as harmless as possible.

Ablations underpin faithfulness metrics for circuits (ablate everything outside the circuit and compare performance), and several studies show that circuit scores change substantially with the ablation type, token positions and granularity.`,
    aliases: ["knockout", "zero ablation", "mean ablation", "resample ablation", "optimal ablation"],
    approach: "interventional",
    direction: "bottom-up",
    unit: "circuit",
    parents: ["causal-interventions"],
  },
  {
    slug: "attribution-patching",
    name: "Attribution patching",
    summary: "A first-order gradient approximation to activation patching that scores every component in two passes",
    description: md`Exact patching needs one forward pass per component. Attribution patching (AtP) linearises the metric around the corrupted run and estimates every patching effect at once from one clean forward pass, one corrupted forward pass and one backward pass:

$$\widehat{\text{effect}}(z) \approx \big(z(x_c) - z(x_r)\big)^\top \frac{\partial m}{\partial z}\Big|_{x_r}.$$

This makes component- and edge-level localisation feasible at the scale of large models and millions of SAE features. The linear approximation fails when the metric is saturated or the attention pattern changes sharply; variants address this with integrated gradients along the path between corrupted and clean activations or by recomputing attention nonlinearities.`,
    aliases: ["AtP", "gradient-based patching"],
    approach: "interventional",
    direction: "bottom-up",
    unit: "circuit",
    parents: ["causal-interventions"],
    alternativeTo: ["activation-patching"],
  },
  {
    slug: "atp-star",
    name: "AtP*",
    summary: "An improved attribution-patching estimator that fixes attention saturation and gradient cancellation",
    description: md`AtP* diagnoses two ways attribution patching produces false negatives: (1) when attention softmaxes are saturated, the gradient through the attention pattern badly underestimates the true effect of changing a query or key; (2) positive and negative contributions through different paths can cancel. It fixes the first by recomputing the attention softmax exactly for query and key changes, and the second with dropout over backward paths ("GradDrop"):

$$\widehat{\text{effect}}_{\text{AtP*}}(n) = \text{AtP estimate with exact attention-pattern recomputation and gradient dropout}.$$

It also gives a statistical procedure for bounding the probability of missed components, which makes large-scale localisation with gradient approximations more trustworthy.`,
    aliases: ["AtP star"],
    approach: "interventional",
    direction: "bottom-up",
    unit: "circuit",
    parents: ["attribution-patching"],
  },
  {
    slug: "causal-abstraction",
    name: "Causal abstraction (interchange interventions)",
    summary: "Testing whether a high-level causal model is a faithful abstraction of a network via aligned interventions",
    description: md`Causal abstraction makes precise what it means for an interpretable algorithm to explain a network. A high-level causal model $\mathcal{H}$ (variables and how they combine) is aligned with low-level model locations by a map $\tau$. The alignment is tested with **interchange interventions**: set a high-level variable to its value on a source input and check that setting the aligned network representation to its value on the same source input produces the same output,

$$\mathcal{N}\big(b;\; \tau(V) \leftarrow \tau(V)(s)\big) \;\overset{?}{=}\; \mathcal{H}\big(b;\; V \leftarrow V(s)\big).$$

Interchange-intervention accuracy measures how often the two agree. The theory generalises to approximate abstractions and unifies patching, mediation analysis, causal scrubbing, circuit analysis, concept erasure and steering as special cases; it also supports training-time alignment (interchange intervention training).`,
    aliases: ["interchange intervention accuracy", "IIA", "causal alignment"],
    approach: "interventional",
    direction: "top-down",
    unit: "subspace",
    parents: ["causal-interventions"],
    uses: ["activation-patching"],
  },
  {
    slug: "distributed-alignment-search",
    name: "Distributed alignment search (DAS)",
    summary: "Learning a rotated subspace in which interchange interventions implement a hypothesised causal variable",
    description: md`Causal abstraction originally aligned high-level variables with individual neurons. DAS allows the aligned representation to be *distributed*: it learns an orthogonal rotation $R$ of a hidden layer and intervenes only on the first $k$ rotated coordinates, swapping them in from a source input:

$$h' = R^{-1}\Big(\big[(R\,h(s))_{1:k};\; (R\,h(b))_{k+1:d}\big]\Big),$$

with $R$ trained by gradient descent so that the intervened network matches the high-level model's counterfactual outputs. The found subspace is a causal variable of the network with a measurable interchange-intervention accuracy.

Boundless DAS learns the subspace size as well and scales the method to billion-parameter models. Because DAS is optimised to produce counterfactual behaviour, it can also find subspaces that cause the behaviour by activating dormant pathways rather than by reflecting the model's own variable, so controls and held-out evaluations matter.`,
    aliases: ["DAS", "Boundless DAS", "distributed interchange intervention"],
    approach: "interventional",
    direction: "top-down",
    unit: "subspace",
    parents: ["causal-abstraction"],
  },
  {
    slug: "causal-scrubbing",
    name: "Causal scrubbing",
    summary: "Testing a circuit hypothesis by resampling every activation the hypothesis says should not matter",
    description: md`Causal scrubbing turns an informal claim ("these heads compute the previous token and that is all that matters for induction") into a formal correspondence between the model's computational graph and an interpretable graph. It then recursively replaces each activation with its value on a different input that the hypothesis deems equivalent, resampling ablations that the hypothesis predicts are harmless. The fraction of the loss preserved,

$$\text{loss recovered} = \frac{\mathcal{L}_{\text{random}} - \mathcal{L}_{\text{scrubbed}}}{\mathcal{L}_{\text{random}} - \mathcal{L}_{\text{model}}},$$

measures how much of the behaviour the hypothesis explains. It is stricter than single-site patching because it tests all claimed invariances at once, and it has been used to refine explanations of induction heads and of a parenthesis-balance classifier.`,
    aliases: ["scrubbing", "hypothesis testing via resampling"],
    approach: "interventional",
    direction: "top-down",
    unit: "circuit",
    parents: ["causal-interventions"],
    uses: ["ablation"],
    alternativeTo: ["causal-abstraction"],
  },

  // ===========================================================================================
  // Steering
  // ===========================================================================================
  {
    slug: "activation-addition",
    name: "Activation addition (ActAdd)",
    summary: "Steering with the activation difference between a single pair of contrasting prompts",
    description: md`ActAdd computes a steering vector from one prompt pair, for example "Love" and "Hate", by running both and subtracting their residual-stream activations at a chosen layer:

$$v = h_\ell(\text{"Love"}) - h_\ell(\text{"Hate"}),$$

then adds $\alpha v$ at the same layer (and aligned token positions) while generating from a new prompt. No optimisation or labelled dataset is required, and off-target capabilities are largely preserved. ActAdd demonstrated that simple residual-stream arithmetic can control topic and sentiment and reduce toxicity, and it gave the field the term "activation engineering".`,
    aliases: ["ActAdd", "activation engineering"],
    approach: "interventional",
    direction: "top-down",
    unit: "direction",
    parents: ["steering"],
  },
  {
    slug: "contrastive-activation-addition",
    name: "Contrastive Activation Addition (CAA)",
    summary: "Activation steering with the mean residual-stream difference over many contrastive answer pairs for a behaviour",
    description: md`CAA builds a steering vector for a behaviour (sycophancy, hallucination, refusal, corrigibility, ...) from a dataset of multiple-choice questions whose two answers exhibit and avoid the behaviour. It records activations at the answer-letter token for both versions and averages the differences:

$$v = \frac{1}{N}\sum_{i=1}^{N} \big(h_\ell(q_i, a_i^+) - h_\ell(q_i, a_i^-)\big),$$

which is the difference-in-means direction over paired data. At inference the vector is added with a positive or negative multiplier at every token position after the prompt. Averaging over many pairs makes the vector far more reliable than a single-pair ActAdd vector; CAA steering works on top of prompting and fine-tuning and mostly preserves capabilities.

Later analyses found that steerability varies a lot between inputs and concepts, that some examples are even steered in the wrong direction, and that out-of-distribution generalisation is uneven, so steering effects should be reported per example and not only on average.`,
    aliases: ["CAA", "contrastive steering", "mean-difference steering"],
    approach: "interventional",
    direction: "top-down",
    unit: "direction",
    parents: ["activation-addition"],
    uses: ["diffmean"],
  },
  {
    slug: "inference-time-intervention",
    name: "Inference-time intervention (ITI)",
    summary: "Shifting the outputs of a few truth-correlated attention heads along probe-derived directions during generation",
    description: md`ITI improves truthfulness by intervening on a sparse set of attention heads. It first trains linear probes on each head's output to separate true from false answers (on TruthfulQA-style data) and keeps the top-$K$ heads by probe accuracy. During generation it shifts each selected head's output along a truthful direction, scaled by the standard deviation of activations along it:

$$o_h \leftarrow o_h + \alpha\, \sigma_h\, \theta_h,$$

where $\theta_h$ is best taken as the mass-mean (difference-in-means) direction. Intervening on few heads keeps the edit minimal, and the strength $\alpha$ trades truthfulness against helpfulness. ITI illustrates the general recipe of locating with probes and then steering along the probed direction.`,
    aliases: ["ITI"],
    approach: "interventional",
    direction: "top-down",
    unit: "direction",
    parents: ["steering"],
    uses: ["linear-probing", "diffmean"],
  },
  {
    slug: "bipo",
    name: "Bi-directional Preference Optimization (BiPO)",
    summary: "Learning a steering vector by directly optimising the likelihood of preferred versus dispreferred completions",
    description: md`Vectors extracted from activation differences need not be the vectors that best change generation. BiPO instead *optimises* a steering vector $v$ added at one layer so that the steered model prefers the desired completion over the undesired one, in a DPO-style objective applied in both directions:

$$\max_v\; \mathbb{E}\Big[\log \sigma\Big(d\,\beta \log \frac{\pi_{+dv}(y_w \mid x)}{\pi(y_w \mid x)} - d\,\beta \log \frac{\pi_{+dv}(y_l \mid x)}{\pi(y_l \mid x)}\Big)\Big], \qquad d \in \{-1, +1\},$$

where $d$ is sampled so that $+v$ and $-v$ promote opposite behaviours. The learned vectors steer personas, truthfulness, hallucination and jailbreak behaviour more effectively than contrastive averages, scale smoothly with the multiplier, and transfer across related models.`,
    aliases: ["BiPO", "optimised steering vectors"],
    approach: "interventional",
    direction: "top-down",
    unit: "direction",
    parents: ["steering"],
    alternativeTo: ["contrastive-activation-addition"],
  },
  {
    slug: "function-vectors",
    name: "Function and task vectors",
    summary: "Compact vectors, extracted from in-context examples, that trigger a task when added to a zero-shot run",
    description: md`When a model performs in-context learning, a small set of attention heads transport a representation of the *task* itself. Function vectors are built by finding these heads with causal mediation (patching head outputs from few-shot runs into runs with shuffled labels) and summing their mean outputs:

$$v_t = \sum_{h \in \mathcal{A}} \bar a_h^{\,t}.$$

Adding $v_t$ to the residual stream of a zero-shot prompt makes the model perform the task (antonyms, translation, capitalisation), even in unrelated contexts. A closely related view extracts a "task vector" from the hidden state at the separator token of a demonstration prompt and patches it into a query-only run. Both show that in-context learning compresses demonstrations into a reusable direction.`,
    aliases: ["function vector", "task vector", "in-context vectors"],
    approach: "interventional",
    direction: "top-down",
    unit: "direction",
    parents: ["steering"],
    uses: ["activation-patching"],
  },
  {
    slug: "sae-feature-steering",
    name: "SAE feature steering",
    summary: "Steering by clamping or adding the decoder direction of a sparse-autoencoder feature",
    description: md`Once a dictionary is trained, each feature gives a labelled direction $d_i$ (its decoder column). Steering sets the feature's activation to a chosen value, or adds a multiple of its direction,

$$h \leftarrow h + \alpha\, d_i \quad \text{or} \quad f_i(h) \leftarrow c,$$

producing targeted behaviour changes, famously a model that relates every answer to a particular landmark when a single feature is clamped high. It promises interpretable, fine-grained and label-free control. Benchmark comparisons, however, found SAE features less effective for steering than supervised directions such as diffmean or optimised vectors, and far behind prompting, so the practical advantage remains debated.`,
    aliases: ["feature clamping", "dictionary steering"],
    approach: "interventional",
    direction: "top-down",
    unit: "feature",
    parents: ["steering"],
    uses: ["sparse-autoencoders"],
    alternativeTo: ["contrastive-activation-addition"],
  },
  {
    slug: "representation-finetuning",
    name: "Representation finetuning (ReFT)",
    summary: "Learning task-specific low-rank interventions on hidden states of a frozen model",
    description: md`ReFT adapts a frozen model by training interventions on its hidden representations instead of its weights. The low-rank linear subspace variant (LoReFT) edits a representation only inside a learned $r$-dimensional subspace with orthonormal rows $R$:

$$\Phi(h) = h + R^\top\big(W h + b - R h\big),$$

applied at selected layers and positions. The form is borrowed from distributed interchange interventions, but the target is a task rather than a counterfactual. ReFT matches or beats parameter-efficient finetuning methods with far fewer parameters, and its rank-1 version serves as a strong, interpretable steering and concept-detection baseline.`,
    aliases: ["ReFT", "LoReFT", "representation fine-tuning"],
    approach: "interventional",
    direction: "top-down",
    unit: "subspace",
    parents: ["steering"],
    uses: ["distributed-alignment-search"],
  },
  {
    slug: "directional-ablation",
    name: "Directional ablation (refusal direction)",
    summary: "Projecting a single concept direction, such as the refusal direction, out of the residual stream at every layer",
    description: md`Directional ablation removes the component of every residual-stream activation along a unit direction $\hat r$:

$$h \leftarrow h - \hat r\,\hat r^\top h,$$

applied at all layers and token positions (or, equivalently, by orthogonalising the weight matrices that write to the residual stream). For refusal, $\hat r$ is the normalised difference between mean activations on harmful and harmless instructions. Ablating it makes chat models comply with harmful requests, while adding it makes them refuse harmless ones, showing that refusal is mediated by a single direction in many open models. The weight-orthogonalisation form yields a permanent edit with little capability loss.

The technique is both a steering method and a concept-erasure method. Follow-up work optimises the direction with gradient-based objectives and finds multi-dimensional concept cones and several independent refusal directions.`,
    aliases: ["refusal direction", "orthogonalization", "abliteration", "direction ablation"],
    approach: "interventional",
    direction: "top-down",
    unit: "direction",
    parents: ["steering", "concept-erasure"],
    uses: ["diffmean"],
  },

  // ===========================================================================================
  // Concept erasure
  // ===========================================================================================
  {
    slug: "inlp",
    name: "Iterative nullspace projection (INLP)",
    summary: "Repeatedly training a linear probe for a concept and projecting its direction out until the concept is undetectable",
    description: md`INLP removes a concept (for example gender) by iterating: train a linear classifier $W_k$ to predict the concept from the current representations, project the representations onto the nullspace of $W_k$, and repeat until no classifier beats chance. The final projection is

$$P = P_{N(W_1)} \cap \cdots \cap P_{N(W_n)}, \qquad x \mapsto P x.$$

It is simple and model-agnostic and was widely used for debiasing and as the erasure step of amnesic probing. Its weaknesses: it can remove many more dimensions than needed, damaging useful information, and because probes latch onto spurious correlates, it may fail to remove the concept fully while still harming the main task. R-LACE and LEACE were proposed partly to fix these issues.`,
    aliases: ["INLP", "nullspace projection"],
    approach: "interventional",
    direction: "top-down",
    unit: "subspace",
    parents: ["concept-erasure"],
    uses: ["linear-probing"],
  },
  {
    slug: "rlace",
    name: "Linear adversarial concept erasure (R-LACE)",
    summary: "Finding a rank-k projection by solving a minimax game against the best linear predictor of the concept",
    description: md`R-LACE frames erasure as a game between a projection and a classifier. It looks for a rank-$k$ orthogonal projection $P$ that maximises the loss of the best linear predictor of the concept:

$$\max_{P \in \mathcal{P}_k}\; \min_{\theta}\; \sum_i \ell\big(z_i,\; \theta^\top (I - P)\, x_i\big),$$

solved with a convex relaxation of the set of projections. For some losses the optimum has a closed form. Compared with INLP it removes far fewer dimensions for the same level of protection, and it can mitigate bias even against deeper nonlinear classifiers. Kernelised extensions target nonlinearly encoded concepts but do not transfer across kernels.`,
    aliases: ["R-LACE", "RLACE", "adversarial projection"],
    approach: "interventional",
    direction: "top-down",
    unit: "subspace",
    parents: ["concept-erasure"],
    alternativeTo: ["inlp"],
  },
  {
    slug: "leace",
    name: "LEACE (least-squares concept erasure)",
    summary: "Closed-form, minimal-distortion linear erasure that provably prevents any linear classifier from recovering a concept",
    description: md`LEACE characterises exactly when no linear classifier can do better than a constant predictor: the class-conditional means of the representation must coincide, equivalently the cross-covariance between the representation $X$ and the one-hot concept $Z$ must vanish. Among all affine edits that achieve this, it finds the one that moves representations least in mean squared distance, in closed form:

$$r(x) = x - W^{+} P_{W \Sigma_{XZ}}\, W (x - \mathbb{E}[X]), \qquad W = \big(\Sigma_{XX}^{1/2}\big)^{+},$$

where $\Sigma_{XZ}$ is the cross-covariance and $P_{W\Sigma_{XZ}}$ projects onto the column space of the whitened cross-covariance. For a binary concept this removes only the span of the whitened difference in class means. A companion procedure, concept scrubbing, applies LEACE layer by layer inside a network. LEACE is orders of magnitude faster than iterative or adversarial methods and is optimal by construction for linear adversaries, though nonlinear adversaries may still recover the concept.`,
    aliases: ["LEACE", "least-squares concept erasure", "concept scrubbing"],
    approach: "interventional",
    direction: "top-down",
    unit: "subspace",
    parents: ["concept-erasure"],
    alternativeTo: ["inlp", "rlace"],
  },
  {
    slug: "concept-cones",
    name: "Refusal direction optimisation and concept cones",
    summary: "Gradient-optimised refusal directions and multi-dimensional cones of directions that all mediate refusal",
    description: md`Rather than taking the refusal direction as a difference in means, refusal direction optimisation (RDO) learns a direction $r$ with objectives for the two things an ideal direction should do: adding $\alpha r$ should induce refusal on harmless prompts, and ablating $r$ should remove refusal on harmful prompts while leaving unrelated behaviour unchanged (for example, measured by a KL term on harmless inputs).

Extending this to several vectors gives **concept cones**: multi-dimensional polyhedral cones

$$\mathcal{C} = \Big\{\textstyle\sum_j \lambda_j r_j : \lambda_j \ge 0\Big\}$$

in which every direction mediates refusal. The work also introduces *representational independence*, which requires that intervening on one direction does not change the model's use of another, and shows that orthogonality alone does not guarantee it. Together these results indicate that refusal is implemented by several mechanistically distinct directions rather than one.`,
    aliases: ["RDO", "concept cones", "geometry of refusal", "representational independence"],
    approach: "interventional",
    direction: "top-down",
    unit: "subspace",
    parents: ["directional-ablation"],
    alternativeTo: ["diffmean"],
  },

  // ===========================================================================================
  // Circuit discovery
  // ===========================================================================================
  {
    slug: "qk-ov-circuit-analysis",
    name: "Weight-based circuit analysis (QK and OV circuits)",
    summary: "Reading attention heads through their query-key and output-value matrices and the paths they compose into",
    description: md`In a transformer the residual stream is a shared linear channel, so the model can be written as a sum over paths. Each attention head factorises into a **QK circuit**, which decides where to attend, and an **OV circuit**, which decides what is written:

$$W_{QK}^h = W_Q^{h\top} W_K^h, \qquad W_{OV}^h = W_O^h W_V^h.$$

Multiplying through the embedding and unembedding (for example $W_U W_{OV}^h W_E$) gives token-to-token tables that can be inspected directly. Heads in different layers compose through their Q, K or V inputs, and composition scores quantify how much one head's output feeds another. This framework explained one- and two-layer attention-only models completely, including the induction mechanism, and it remains the vocabulary of attention-level circuit work.`,
    aliases: ["mathematical framework for transformer circuits", "QK circuit", "OV circuit", "path expansion"],
    approach: "observational",
    direction: "bottom-up",
    unit: "circuit",
    parents: ["circuit-discovery"],
  },
  {
    slug: "induction-heads",
    name: "Induction heads",
    summary: "A two-head circuit that completes repeated sequences ([A][B] ... [A] -> [B]) and drives much of in-context learning",
    description: md`An induction head looks back for the previous occurrence of the current token and copies the token that followed it. It needs two composed heads: a previous-token head writes "the token before me was A" into each position, and the induction head uses K-composition to attend from the current A to the position after the earlier A, whose OV circuit copies B.

Induction heads are detected by a *prefix-matching score* (attention to the token after earlier copies of the current token on repeated random sequences) and by a copying score on their OV circuit. They form abruptly during training in a phase change that coincides with a sudden improvement in in-context learning (lower loss on later tokens), and ablating them in small models removes most of that improvement. They are the canonical example of a circuit motif found across model sizes.`,
    aliases: ["induction head", "induction circuit"],
    approach: "observational",
    direction: "bottom-up",
    unit: "circuit",
    parents: ["circuit-discovery"],
    uses: ["qk-ov-circuit-analysis", "ablation"],
  },
  {
    slug: "manual-circuit-analysis",
    name: "Manual circuit analysis (case studies)",
    summary: "Hand-guided reverse engineering of the components and paths behind one task, such as indirect object identification",
    description: md`A circuit case study picks a narrow behaviour with a clean counterfactual (indirect object identification, greater-than comparison, modular addition, multiple-choice answer selection), then iterates: patch or ablate components to find those that matter, trace their inputs with path patching, inspect attention patterns and weights to assign roles (name movers, duplicate-token heads, S-inhibition heads, ...), and finally check faithfulness, completeness and minimality of the proposed circuit.

The resulting explanations, for example the roughly two-dozen-head IOI circuit in GPT-2 small or the Fourier-based algorithm for modular addition, are among the most complete accounts of model behaviour available, and they serve as ground truth for automated methods. They are labour-intensive, and later work showed that circuit scores depend on ablation choices and that large models are messier than small ones.`,
    aliases: ["circuit case study", "IOI circuit", "reverse engineering"],
    approach: "interventional",
    direction: "bottom-up",
    unit: "circuit",
    parents: ["circuit-discovery"],
    uses: ["path-patching", "activation-patching"],
  },
  {
    slug: "acdc",
    name: "Automatic circuit discovery (ACDC)",
    summary: "Greedily pruning edges of the computational graph whose patching barely changes the output",
    description: md`ACDC automates the patching loop. Starting from the full computational graph, it visits nodes from the output backwards and, for each incoming edge $e$ of the current subgraph $H$, replaces the edge's activation with its value on a corrupted input. If this barely increases the divergence from the full model's output distribution,

$$\mathrm{KL}\big(p_{\text{model}} \,\|\, p_{H \setminus e}\big) - \mathrm{KL}\big(p_{\text{model}} \,\|\, p_{H}\big) < \tau,$$

the edge is removed permanently. The result is a sparse subgraph that reproduces the behaviour; ACDC recovered the manually found IOI, greater-than and docstring circuits and ground-truth circuits in compiled models. It needs one forward pass per edge, which limits scale, and its output depends on the threshold, metric and ablation type.`,
    aliases: ["ACDC", "automated circuit discovery"],
    approach: "interventional",
    direction: "bottom-up",
    unit: "circuit",
    parents: ["circuit-discovery"],
    uses: ["activation-patching"],
  },
  {
    slug: "edge-attribution-patching",
    name: "Edge attribution patching (EAP, EAP-IG)",
    summary: "Scoring all edges of the computational graph at once with gradient-based patching estimates",
    description: md`EAP applies attribution patching to edges. The effect of corrupting edge $(u \to v)$ is approximated by the activation difference at the sender times the gradient of the metric with respect to the receiver's input:

$$\widehat{\Delta}(u \to v) = \big(z_u(x_r) - z_u(x_c)\big)^\top \frac{\partial m}{\partial\, \text{in}_v}\Big|_{x_c}.$$

Two forward passes and one backward pass score every edge; the top edges form the circuit. EAP with integrated gradients (EAP-IG) averages the gradient along the path between clean and corrupted inputs, which yields more faithful circuits. On standard benchmarks these methods are among the strongest circuit localisers and scale to much larger models than ACDC.`,
    aliases: ["EAP", "EAP-IG", "edge attribution"],
    approach: "interventional",
    direction: "bottom-up",
    unit: "circuit",
    parents: ["circuit-discovery"],
    uses: ["attribution-patching"],
    alternativeTo: ["acdc"],
  },
  {
    slug: "edge-pruning",
    name: "Edge pruning",
    summary: "Learning a sparse mask over computational-graph edges by gradient descent to find circuits",
    description: md`Edge pruning frames circuit discovery as optimisation. Each edge gets a learnable mask $z_e \in [0, 1]$ (relaxed with hard-concrete distributions); a masked-out edge receives its corrupted value instead of its clean one. The masks are trained to keep the output close to the full model while driving most of them to zero:

$$\min_{z}\; \mathbb{E}_x\,\mathrm{KL}\big(p_{\text{model}}(x) \,\|\, p_{z}(x)\big) + \lambda\, \mathbb{E}\big[\|z\|_0\big].$$

It finds circuits with fewer edges than ACDC or EAP at equal faithfulness, handles large datasets efficiently, recovers ground-truth circuits in compiled models, and has been scaled to a 13-billion-parameter model.`,
    aliases: ["mask learning", "subnetwork probing for circuits"],
    approach: "interventional",
    direction: "bottom-up",
    unit: "circuit",
    parents: ["circuit-discovery"],
    alternativeTo: ["acdc", "edge-attribution-patching"],
  },
  {
    slug: "sparse-feature-circuits",
    name: "Sparse feature circuits",
    summary: "Circuits whose nodes are sparse-autoencoder features and error terms, found with linear attribution",
    description: md`Component-level circuits are hard to interpret because heads and MLPs are polysemantic. Sparse feature circuits replace components with SAE features at every layer (plus an error node for what the SAE misses), estimate each node's and edge's effect on a metric with attribution patching or integrated gradients,

$$\widehat{\mathrm{IE}}(f_i) = \frac{\partial m}{\partial f_i}\big(f_i(x_r) - f_i(x_c)\big),$$

and keep those above a threshold. The resulting graphs are fine-grained and human-readable, and they enable targeted edits: for example ablating features judged task-irrelevant to improve a classifier's generalisation (spurious-correlation removal), and discovering thousands of circuits automatically in an unsupervised sweep.`,
    aliases: ["feature circuits", "SFC"],
    approach: "interventional",
    direction: "bottom-up",
    unit: "circuit",
    parents: ["circuit-discovery"],
    uses: ["sparse-autoencoders", "attribution-patching"],
  },
  {
    slug: "attribution-graphs",
    name: "Attribution graphs (circuit tracing)",
    summary: "Per-prompt graphs of linear feature-to-feature effects in a transcoder-based replacement model",
    description: md`Circuit tracing replaces the MLPs of a model with a cross-layer transcoder, so that each feature reads from the residual stream at one layer and writes to all later layers. For a specific prompt it builds a **local replacement model**: attention patterns and normalisation denominators are frozen, and error nodes absorb what the transcoder fails to reconstruct, so the replacement reproduces the original activations exactly. In this model all interactions between features are linear, and the direct effect of source feature $s$ on target $t$ is

$$A_{s \to t} = a_s \, \big(W_{\text{dec},s}^\top \, J_{s \to t} \, W_{\text{enc},t}\big),$$

where $J$ is the (frozen, linear) Jacobian of the residual path between their layers. The resulting attribution graph over embeddings, features, errors and output logits is pruned to the most influential paths, grouped into supernodes and checked with steering and ablation interventions in the real model. It has been used to study multi-step reasoning, planning in poetry and arithmetic in production models, though it does not explain attention (QK) computations and leaves error terms unexplained.`,
    aliases: ["circuit tracing", "attribution graph", "replacement model"],
    approach: "observational",
    direction: "bottom-up",
    unit: "circuit",
    parents: ["circuit-discovery"],
    uses: ["transcoders", "crosscoders"],
    alternativeTo: ["sparse-feature-circuits"],
  },

  // ===========================================================================================
  // Evaluation benchmarks
  // ===========================================================================================
  {
    slug: "mib",
    name: "MIB: Mechanistic Interpretability Benchmark",
    summary: "A two-track benchmark scoring circuit localisation and causal-variable localisation across tasks and models",
    description: md`MIB standardises two core tasks of mechanistic interpretability. The **circuit localisation** track compares methods that find important components and edges (patching, attribution patching, EAP-IG, mask learning, ...) using faithfulness integrated over circuit sizes. The **causal variable localisation** track compares ways of featurising a hidden vector (neurons, PCA, SAEs, DAS, ...) by how well interventions on the found features change a task-relevant variable.

It spans four tasks and five models with public and private test splits and a leaderboard. Headline findings: attribution and mask-optimisation methods do best at circuit localisation, supervised DAS does best at causal variable localisation, and SAE features are no better than raw neurons there.`,
    aliases: ["MIB", "mechanistic interpretability benchmark"],
    approach: "interventional",
    direction: "bottom-up",
    unit: "circuit",
    parents: ["evaluation-benchmarks"],
    evaluates: [
      "activation-patching",
      "attribution-patching",
      "edge-attribution-patching",
      "edge-pruning",
      "distributed-alignment-search",
      "sparse-autoencoders",
    ],
  },
  {
    slug: "axbench",
    name: "AxBench",
    summary: "A benchmark for concept detection and steering that compares representation methods with prompting and finetuning",
    description: md`AxBench evaluates representation-based methods on two uses at scale, with synthetic data for hundreds of concepts on Gemma-2 models. **Concept detection** asks whether a method's direction or feature separates text with and without a concept (scored by ROC AUC). **Steering** asks whether intervening makes generations express the concept while staying fluent and on-instruction, judged by a language model.

Methods compared include diffmean, PCA, linear artificial tomography, linear probes, supervised steering vectors, rank-1 representation finetuning, SAE features and prompting or finetuning baselines. Prompting wins at steering, diffmean-style methods win at detection, and SAE features are not competitive on either, which made it a widely cited check on SAE-based control.`,
    aliases: ["AxBench", "Concept500", "Concept16K"],
    approach: "interventional",
    direction: "top-down",
    unit: "direction",
    parents: ["evaluation-benchmarks"],
    evaluates: [
      "diffmean",
      "linear-probing",
      "representation-engineering",
      "sae-feature-steering",
      "sparse-autoencoders",
      "representation-finetuning",
    ],
  },
  {
    slug: "saebench",
    name: "SAEBench",
    summary: "A multi-metric benchmark and open suite of sparse autoencoders across architectures and sparsities",
    description: md`SAEBench evaluates sparse autoencoders beyond the usual sparsity-versus-reconstruction curve, with metrics grouped into concept detection (sparse probing, feature absorption), interpretability (automated interpretability), reconstruction (loss recovered) and feature disentanglement (spurious-correlation removal, targeted probe perturbation, unlearning).

It releases hundreds of SAEs across architectures (standard, TopK, BatchTopK, gated, JumpReLU, Matryoshka, ...) and widths so that trends can be compared. The main lesson is that gains on proxy metrics do not reliably translate into better practical performance; for example, Matryoshka SAEs lag slightly on proxies but lead on disentanglement.`,
    aliases: ["SAEBench"],
    approach: "observational",
    direction: "bottom-up",
    unit: "feature",
    parents: ["evaluation-benchmarks"],
    evaluates: ["sparse-autoencoders", "topk-sae", "gated-sae", "jumprelu-sae"],
  },
  {
    slug: "ravel",
    name: "RAVEL",
    summary: "A benchmark for disentangling entity attributes in representations with causal interventions",
    description: md`RAVEL (Resolving Attribute-Value Entanglements in Language models) asks whether a method can find a representation of one attribute of an entity (for example a city's country) such that intervening on it changes that attribute without changing others (the city's language or continent). Each method is scored by a **cause** score (the targeted attribute changes as intended) and an **isolate** score (other attributes stay fixed), averaged into a disentanglement score:

$$\text{Disentangle} = \tfrac{1}{2}\,(\text{Cause} + \text{Isolate}).$$

Compared methods include PCA, sparse autoencoders, linear adversarial erasure, differentiable masking and distributed alignment search; supervised subspace methods, and especially a multi-task DAS variant, perform best.`,
    aliases: ["RAVEL"],
    approach: "interventional",
    direction: "top-down",
    unit: "subspace",
    parents: ["evaluation-benchmarks"],
    evaluates: ["distributed-alignment-search", "sparse-autoencoders", "rlace"],
  },
  {
    slug: "interpbench",
    name: "InterpBench",
    summary: "Semi-synthetic transformers with known circuits for testing circuit-discovery methods",
    description: md`Circuit discovery is hard to validate on natural models because the true circuit is unknown. InterpBench trains transformers to implement a specified high-level algorithm using Strict Interchange Intervention Training (SIIT), an extension of interchange intervention training that also forces nodes outside the intended circuit to have no effect on the output. The resulting models are more realistic than compiled ones (their weights and activations look like those of naturally trained models) while keeping a known ground-truth circuit.

The benchmark contains dozens of such models, including one implementing indirect object identification, and uses them to compare circuit-discovery methods; ACDC and EAP with integrated gradients come out well, while plain edge attribution patching lags.`,
    aliases: ["InterpBench", "SIIT"],
    approach: "interventional",
    direction: "bottom-up",
    unit: "circuit",
    parents: ["evaluation-benchmarks"],
    uses: ["causal-abstraction", "compiled-transformers"],
    evaluates: ["acdc", "edge-attribution-patching"],
  },
  {
    slug: "compiled-transformers",
    name: "Compiled transformers (Tracr)",
    summary: "Transformers whose weights are compiled from human-written programs, giving exactly known mechanisms",
    description: md`Tracr compiles programs written in RASP, a small language of sequence operations (select, aggregate, elementwise maps), into the weights of a standard decoder-only transformer. Every head and MLP has a known role, so the compiled model is a ground truth for interpretability: a method is correct if it recovers the compiled circuit.

Compiled models have been used to test automated circuit discovery and to study superposition by compressing the compiled residual stream. Their weights are unusually sparse and structured compared with trained models, which motivated semi-synthetic alternatives trained to match a known algorithm.`,
    aliases: ["Tracr", "RASP compilation"],
    approach: "observational",
    direction: "bottom-up",
    unit: "circuit",
    parents: ["evaluation-benchmarks"],
  },
];
