//! WAV clips: how long one lasts and how loud it is (the tests check that each screen's
//! speech is heard and lasts as long as its words), and a short silence (the sound device's
//! check).

use crate::{Error, Result};

/// What a 16-bit PCM clip holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clip {
    /// Samples a second.
    pub sample_rate: u32,
    /// Channels.
    pub channels: u16,
    /// Sample frames (one sample per channel each).
    pub frames: u64,
    /// Root mean square of every sample, in 16-bit units (0 is silence, 32767 full scale).
    pub rms: u32,
    /// The largest absolute sample.
    pub peak: u32,
}

impl Clip {
    /// Its length in milliseconds (rounded).
    pub fn millis(&self) -> u64 {
        let rate = u64::from(self.sample_rate.max(1));
        (self.frames * 1000 + rate / 2) / rate
    }
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes([*b.get(at)?, *b.get(at + 1)?, *b.get(at + 2)?, *b.get(at + 3)?]))
}

/// Reads a RIFF WAV clip of 16-bit PCM. A data chunk longer than the bytes present (a
/// streamed WAV, as `espeak-ng --stdout` writes, does not know its length) ends with them.
pub fn analyse(bytes: &[u8]) -> Result<Clip> {
    if bytes.get(0..4) != Some(b"RIFF") || bytes.get(8..12) != Some(b"WAVE") {
        return Err(Error::Wav("no RIFF WAVE header"));
    }
    let mut at = 12;
    let mut format = None;
    while at + 8 <= bytes.len() {
        let id = &bytes[at..at + 4];
        let size = usize::try_from(u32_at(bytes, at + 4).unwrap_or(0)).unwrap_or(usize::MAX);
        let body = at + 8;
        if id == b"fmt " {
            let pcm = u16_at(bytes, body).ok_or(Error::Wav("short fmt chunk"))?;
            let channels = u16_at(bytes, body + 2).ok_or(Error::Wav("short fmt chunk"))?;
            let rate = u32_at(bytes, body + 4).ok_or(Error::Wav("short fmt chunk"))?;
            let bits = u16_at(bytes, body + 14).ok_or(Error::Wav("short fmt chunk"))?;
            if pcm != 1 || bits != 16 || channels == 0 {
                return Err(Error::Wav("not 16-bit PCM"));
            }
            format = Some((rate, channels));
        } else if id == b"data" {
            let (sample_rate, channels) = format.ok_or(Error::Wav("data before fmt"))?;
            let end = body.saturating_add(size).min(bytes.len());
            let data = &bytes[body..end];
            let (mut squares, mut peak, mut n) = (0u128, 0u32, 0u64);
            for s in data.chunks_exact(2) {
                let v = i32::from(i16::from_le_bytes([s[0], s[1]])).unsigned_abs();
                squares += u128::from(v) * u128::from(v);
                peak = peak.max(v);
                n += 1;
            }
            let mean = if n == 0 { 0 } else { squares / u128::from(n) };
            let rms = u32::try_from(mean.isqrt()).unwrap_or(u32::MAX);
            let frames = n / u64::from(channels);
            return Ok(Clip { sample_rate, channels, frames, rms, peak });
        }
        at = body.saturating_add(size).saturating_add(size % 2);
    }
    Err(Error::Wav("no data chunk"))
}

/// `millis` of silence as a mono 16-bit WAV clip at `sample_rate`.
pub fn silence(sample_rate: u32, millis: u32) -> Vec<u8> {
    let frames = u32::try_from(u64::from(sample_rate) * u64::from(millis) / 1000).unwrap_or(0);
    let data = frames * 2;
    let mut w = Vec::with_capacity(44 + usize::try_from(data).unwrap_or(0));
    w.extend_from_slice(b"RIFF");
    w.extend_from_slice(&(36 + data).to_le_bytes());
    w.extend_from_slice(b"WAVEfmt ");
    w.extend_from_slice(&16u32.to_le_bytes());
    w.extend_from_slice(&1u16.to_le_bytes()); // PCM
    w.extend_from_slice(&1u16.to_le_bytes()); // mono
    w.extend_from_slice(&sample_rate.to_le_bytes());
    w.extend_from_slice(&(sample_rate * 2).to_le_bytes());
    w.extend_from_slice(&2u16.to_le_bytes());
    w.extend_from_slice(&16u16.to_le_bytes());
    w.extend_from_slice(b"data");
    w.extend_from_slice(&data.to_le_bytes());
    w.resize(w.len() + usize::try_from(data).unwrap_or(0), 0);
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn silence_is_silent_and_as_long_as_asked() -> Result<()> {
        let clip = analyse(&silence(22_050, 50))?;
        assert_eq!((clip.sample_rate, clip.channels, clip.rms, clip.peak), (22_050, 1, 0, 0));
        assert_eq!(clip.millis(), 50);
        Ok(())
    }

    #[test]
    fn loudness_of_a_square_wave_and_a_streamed_length() -> Result<()> {
        let mut w = silence(8_000, 10);
        let header = w.len() - 160;
        for (i, s) in w[header..].chunks_exact_mut(2).enumerate() {
            let v: i16 = if i % 2 == 0 { 1000 } else { -1000 };
            s.copy_from_slice(&v.to_le_bytes());
        }
        // As espeak-ng --stdout writes it: the data chunk's length unknown.
        w[header - 4..header].copy_from_slice(&0x7fff_f000u32.to_le_bytes());
        let clip = analyse(&w)?;
        assert_eq!((clip.rms, clip.peak, clip.frames), (1000, 1000, 80));
        assert!(matches!(analyse(b"RIFF0000WAVX"), Err(Error::Wav(_))));
        assert!(matches!(analyse(&w[..40]), Err(Error::Wav(_))));
        Ok(())
    }
}
