"""ember.vision.models"""
