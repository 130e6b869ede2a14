//! The warm-up's suite on the reference `Ewma`.

ewma_kit::suite!(solution_ewma::ewma::Ewma);
