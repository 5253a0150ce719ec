"""Sentiment lexicons shipped with xproj, as data files (named in :data:`xproj.polarity.BUNDLED`;
README.md here says where each comes from and how it was converted)."""
