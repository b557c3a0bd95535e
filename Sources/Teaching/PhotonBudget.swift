import FluoCore
import Foundation
import Imaging

/// What a camera pixel collects and how noisy it is, per exposure, in the camera's model
/// (`Camera`): λ = s·v expected photons for image value v and photon scale s, electrons
/// e ~ Poisson(QE·λ), EM gain G (Gamma-distributed multiplication, excess noise factor
/// F² = 2), read noise σ (electrons, added after the EM register), ADU = gain·e + offset.
///
/// With the value split into signal and background, v = v_s + v_b, the signal-to-noise
/// ratio of the signal is
///
///     SNR = S / √(F²·(S + B) + (σ/G)²),   S = QE·s·v_s,   B = QE·s·v_b  (electrons),
///
/// which is S/√(S + B + σ²) without EM gain: shot noise of signal and background plus read
/// noise (J. Pawley, *Handbook of Biological Confocal Microscopy*, 3rd ed., ch. 2 and 4;
/// the EM excess noise factor: M. S. Robbins and B. J. Hadwen, IEEE Trans. Electron Devices
/// 50 (2003) 1227).
public struct PhotonBudget: Equatable, Sendable {
    /// s: expected photons per unit of image value.
    public var photonsPerUnit: Double
    /// Image value of the signal, v_s, and of the background, v_b, at the pixel.
    public var signalValue: Double
    public var backgroundValue: Double
    public var quantumEfficiency: Double
    /// σ in electrons (r.m.s.).
    public var readNoiseE: Double
    /// G, 1 without an EM register.
    public var emGain: Double
    public var gainADUPerE: Double
    public var offsetADU: Double

    public init(photonsPerUnit: Double, signalValue: Double, backgroundValue: Double, quantumEfficiency: Double,
                readNoiseE: Double, emGain: Double, gainADUPerE: Double, offsetADU: Double) {
        self.photonsPerUnit = photonsPerUnit
        self.signalValue = signalValue
        self.backgroundValue = backgroundValue
        self.quantumEfficiency = quantumEfficiency
        self.readNoiseE = readNoiseE
        self.emGain = emGain
        self.gainADUPerE = gainADUPerE
        self.offsetADU = offsetADU
    }

    /// The budget of `camera` at sample `flat` of `image` (the camera's input), whose
    /// background share is `background` (nil: none). sCMOS maps give the pixel's own
    /// read noise, gain and offset. `photonsPerUnit` is `camera.photonScale(for: image)`,
    /// computed when not given.
    public init(camera: Camera, image: Volume, background: Volume?, at flat: Int, photonsPerUnit: Double? = nil) {
        let p = camera.parameters
        let pixel = flat % (image.shape.suffix(2).reduce(1, *))
        let backgroundValue = background.map { Double($0.data[flat]) } ?? 0
        self.init(photonsPerUnit: photonsPerUnit ?? camera.photonScale(for: image),
                  signalValue: Double(image.data[flat]) - backgroundValue, backgroundValue: backgroundValue,
                  quantumEfficiency: p.quantumEfficiency,
                  readNoiseE: camera.readNoiseMap.map { Double($0[pixel]) } ?? p.readNoiseE,
                  emGain: p.emGain ?? 1,
                  gainADUPerE: camera.gainMap.map { Double($0[pixel]) } ?? p.gainADUPerE,
                  offsetADU: camera.offsetMap.map { Double($0[pixel]) } ?? p.offsetADU)
    }

    /// Expected photons from the signal and from the background.
    public var signalPhotons: Double { photonsPerUnit * signalValue }
    public var backgroundPhotons: Double { photonsPerUnit * backgroundValue }
    /// S and B: expected photo-electrons.
    public var signalElectrons: Double { quantumEfficiency * signalPhotons }
    public var backgroundElectrons: Double { quantumEfficiency * backgroundPhotons }
    /// F²: 2 with EM gain, 1 without.
    public var excessNoiseFactorSquared: Double { emGain > 1 ? 2 : 1 }

    /// Noise in electrons (referred to the sensor, before EM gain).
    public var noiseElectrons: Double {
        (excessNoiseFactorSquared * (signalElectrons + backgroundElectrons) + Foundation.pow(readNoiseE / emGain, 2)).squareRoot()
    }

    /// S / √(F²(S + B) + (σ/G)²).
    public var snr: Double { noiseElectrons > 0 ? signalElectrons / noiseElectrons : 0 }

    /// E[ADU] = gain·G·(S + B) + offset.
    public var expectedADU: Double { gainADUPerE * emGain * (signalElectrons + backgroundElectrons) + offsetADU }
}
