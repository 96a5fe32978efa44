"""ember.vision.transforms"""
