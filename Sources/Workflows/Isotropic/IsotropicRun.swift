import Foundation
import Imaging

/// `fluosynth isotropic run`: prepare, train and predict in one go, in a work folder holding
/// the pairs (`data/`) and the model (`model/`), so each step can be inspected or redone
/// alone with `isotropic prepare|train|predict`.
public enum IsotropicRun {
    public static func run(prepare: IsotropicPrepareRequest, train: TrainRequest, predict: IsotropicPredictRequest,
                           log: (String) -> Void) throws {
        log("step 1/3: prepare training pairs from lateral slices → \(prepare.output)")
        try IsotropicPrepare.run(prepare, log: log)
        log("step 2/3: train a 2-D network → \(train.modelDirectory)")
        try TrainRun.run(train, log: log)
        log("step 3/3: restore the XZ and YZ slices → \(predict.output)")
        try IsotropicPredict.run(predict, log: log)
    }
}
