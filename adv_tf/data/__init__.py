from adv_tf.data import tiny_imagenet
